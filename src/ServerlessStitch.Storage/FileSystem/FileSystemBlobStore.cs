using System.Globalization;
using System.Runtime.CompilerServices;

namespace ServerlessStitch.Storage;

/// <summary>
/// The embedded store: one folder per container under a root (e.g. <c>.stitch/</c>), each blob a plain file at
/// its name's path. Writes go to <c>.staging/</c> and are committed by an atomic rename under a per-container
/// lock; metadata lives in per-version sidecars under <c>.meta/</c>. Hidden folders start with '.', which no
/// container name can, so they never collide with a container.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const int CopyBufferSize = 1 << 20;
    private static readonly TimeSpan StagingFileLifetime = TimeSpan.FromDays(1);

    private readonly string _root;

    /// <param name="rootPath">The folder that holds the containers; created if missing.</param>
    public FileSystemBlobStore(string rootPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        _root = Path.GetFullPath(rootPath);
        Directory.CreateDirectory(StagingFolder);
        Directory.CreateDirectory(LockFolder);
        RemoveAbandonedStagingFiles();
    }

    public string Location => _root;

    private string StagingFolder => Path.Combine(_root, ".staging");

    private string LockFolder => Path.Combine(_root, ".locks");

    public Task CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        BlobNameRules.ValidateContainer(container);
        Directory.CreateDirectory(ContainerFolder(container));
        return Task.CompletedTask;
    }

    public async Task<BlobProperties> WriteAsync(string container, string name, Stream content, BlobWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        BlobWriteStream writer = await OpenWriteAsync(container, name, options, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await content.CopyToAsync(writer, CopyBufferSize, cancellationToken).ConfigureAwait(false);
            return await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<BlobWriteStream> OpenWriteAsync(string container, string name, BlobWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BlobWriteOptions();
        ValidateAddress(container, name);
        BlobNameRules.ValidateWriteOptions(options);
        if (!Directory.Exists(ContainerFolder(container)))
        {
            throw ContainerNotFoundException.For(container);
        }

        string stagingPath = Path.Combine(StagingFolder, $"{Guid.NewGuid():N}.tmp");
        return Task.FromResult<BlobWriteStream>(new FileSystemBlobWriteStream(this, container, name, stagingPath, options));
    }

    public Task<BlobDownload> OpenReadAsync(string container, string name, BlobRange? range = null, CancellationToken cancellationToken = default)
    {
        ValidateAddress(container, name);
        (FileStream file, BlobProperties properties) = OpenVersion(container, name);
        try
        {
            if (range is { } r)
            {
                file.Position = Math.Min(r.Offset, file.Length);
            }

            long available = file.Length - file.Position;
            Stream content = range?.Length is { } length && length < available ? new BoundedReadStream(file, length) : file;
            return Task.FromResult(new BlobDownload(properties, content));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public Task<BlobProperties> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        ValidateAddress(container, name);
        (FileStream file, BlobProperties properties) = OpenVersion(container, name);
        file.Dispose();
        return Task.FromResult(properties);
    }

    public Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        ValidateAddress(container, name);
        return Task.FromResult(File.Exists(DataPath(container, name)));
    }

    public async IAsyncEnumerable<BlobProperties> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobNameRules.ValidateContainer(container);
        BlobNameRules.ValidatePrefix(prefix);
        string containerFolder = ContainerFolder(container);
        if (!Directory.Exists(containerFolder))
        {
            throw ContainerNotFoundException.For(container);
        }

        // Only the folder the prefix's complete segments name can hold matches.
        int lastSlash = prefix.LastIndexOf('/');
        string start = lastSlash < 0 ? containerFolder : Path.Combine(containerFolder, prefix[..lastSlash]);
        if (!Directory.Exists(start))
        {
            yield break;
        }

        var names = Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(containerFolder, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (string name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BlobProperties? properties = TryDescribe(container, name);
            if (properties is not null)
            {
                yield return properties;
            }

            await Task.Yield();
        }
    }

    public async Task<bool> DeleteIfExistsAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        ValidateAddress(container, name);
        string dataPath = DataPath(container, name);
        if (!File.Exists(dataPath))
        {
            return false;
        }

        using ContainerCommitLock commitLock = await AcquireLockAsync(container, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(dataPath))
        {
            return false;
        }

        File.Delete(dataPath);
        DeleteSidecarsExcept(container, name, keep: []);
        RemoveEmptyFolders(Path.GetDirectoryName(dataPath)!, ContainerFolder(container));
        RemoveEmptyFolders(SidecarFolder(container, name), Path.Combine(_root, ".meta", container));
        return true;
    }

    /// <summary>Makes the staged file the blob: checks the condition and renames, all under the container lock.</summary>
    internal async Task<BlobProperties> CommitAsync(string container, string name, string stagingPath, BlobWriteOptions options, string contentMd5, CancellationToken cancellationToken)
    {
        using ContainerCommitLock commitLock = await AcquireLockAsync(container, cancellationToken).ConfigureAwait(false);
        string containerFolder = ContainerFolder(container);
        if (!Directory.Exists(containerFolder))
        {
            throw ContainerNotFoundException.For(container);
        }

        string dataPath = DataPath(container, name);
        if (Directory.Exists(dataPath))
        {
            throw NameConflict(name, $"'{name}' is already a folder of other blobs here");
        }

        FileInfo current = new(dataPath);
        string? currentETag = current.Exists ? ETagOf(current.LastWriteTimeUtc, current.Length) : null;
        if (options.Condition.IfNotExists && currentETag is not null)
        {
            throw BlobAlreadyExistsException.For(container, name);
        }

        if (options.Condition.IfMatchETag is { } expected && expected != currentETag)
        {
            throw BlobPreconditionFailedException.ETagMismatch(container, name, expected);
        }

        EnsureParentFolder(containerFolder, name);
        DateTime lastModified = StampNewerThan(stagingPath, current.Exists ? current.LastWriteTimeUtc : DateTime.MinValue);
        long length = new FileInfo(stagingPath).Length;
        string etag = ETagOf(lastModified, length);
        var sidecar = new BlobSidecar(options.ContentType, contentMd5, Lowercased(options.Metadata));
        sidecar.Write(SidecarPath(container, name, etag));
        File.Move(stagingPath, dataPath, overwrite: true);
        DeleteSidecarsExcept(container, name, keep: currentETag is null ? [etag] : [etag, currentETag]);
        return new BlobProperties(name, length, etag, lastModified, sidecar.ContentType, sidecar.ContentMd5, sidecar.Metadata);
    }

    /// <summary>
    /// Staging files of writers that crashed before commit or dispose are invisible but take space; any untouched
    /// for a day cannot belong to a live writer.
    /// </summary>
    private void RemoveAbandonedStagingFiles()
    {
        DateTime cutoff = DateTime.UtcNow - StagingFileLifetime;
        foreach (FileInfo staged in new DirectoryInfo(StagingFolder).EnumerateFiles("*.tmp"))
        {
            if (staged.LastWriteTimeUtc < cutoff)
            {
                staged.Delete();
            }
        }
    }

    private static void ValidateAddress(string container, string name)
    {
        BlobNameRules.ValidateContainer(container);
        BlobNameRules.ValidateName(name);
    }

    private string ContainerFolder(string container) => Path.Combine(_root, container);

    /// <summary>The file of a validated name; the prefix check is a second guard against ever leaving the container.</summary>
    private string DataPath(string container, string name)
    {
        string folder = ContainerFolder(container) + Path.DirectorySeparatorChar;
        string path = Path.GetFullPath(Path.Combine(folder, name));
        return path.StartsWith(folder, StringComparison.Ordinal)
            ? path
            : throw new InvalidBlobNameException($"Blob name '{name}' resolves outside container '{container}'.");
    }

    private string SidecarFolder(string container, string name) => Path.Combine(_root, ".meta", container, name);

    private string SidecarPath(string container, string name, string etag)
        => Path.Combine(SidecarFolder(container, name), etag.Trim('"') + ".json");

    private Task<ContainerCommitLock> AcquireLockAsync(string container, CancellationToken cancellationToken)
        => ContainerCommitLock.AcquireAsync(Path.Combine(LockFolder, container + ".lock"), cancellationToken);

    private FileStream OpenCommitted(string container, string name)
    {
        try
        {
            return new FileStream(DataPath(container, name), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException && !File.Exists(DataPath(container, name)))
        {
            throw BlobNotFoundException.For(container, name, e);
        }
    }

    /// <summary>
    /// Opens the current version together with its own sidecar. A sidecar can be missing because the version was
    /// replaced twice since we opened it (old sidecars are pruned): then read the newer version instead. If the
    /// version we hold is still current, it has no sidecar (written by hand, or a crash before it): use defaults.
    /// </summary>
    private (FileStream File, BlobProperties Properties) OpenVersion(string container, string name)
    {
        while (true)
        {
            FileStream file = OpenCommitted(container, name);
            DateTime lastModified = File.GetLastWriteTimeUtc(file.SafeFileHandle);
            long length = RandomAccess.GetLength(file.SafeFileHandle);
            string etag = ETagOf(lastModified, length);
            BlobSidecar? sidecar = BlobSidecar.TryRead(SidecarPath(container, name, etag));
            FileInfo current = new(DataPath(container, name));
            if (sidecar is not null || !current.Exists || ETagOf(current.LastWriteTimeUtc, current.Length) == etag)
            {
                sidecar ??= BlobSidecar.Default;
                return (file, new BlobProperties(name, length, etag, lastModified, sidecar.ContentType, sidecar.ContentMd5, sidecar.Metadata));
            }

            file.Dispose();
        }
    }

    private BlobProperties? TryDescribe(string container, string name)
    {
        try
        {
            (FileStream file, BlobProperties properties) = OpenVersion(container, name);
            file.Dispose();
            return properties;
        }
        catch (BlobNotFoundException)
        {
            return null; // deleted while listing
        }
    }

    /// <summary>
    /// The ETag is the file's modification time and length. Commits are serialised, and each stamps its file
    /// strictly later than the version it replaces, so no two versions of one blob share an ETag.
    /// </summary>
    private static string ETagOf(DateTime lastWriteUtc, long length)
        => string.Create(CultureInfo.InvariantCulture, $"\"0x{lastWriteUtc.Ticks:X}-{length:X}\"");

    private static DateTime StampNewerThan(string path, DateTime previous)
    {
        DateTime now = DateTime.UtcNow;
        long step = 1;
        while (true)
        {
            File.SetLastWriteTimeUtc(path, now > previous ? now : previous.AddTicks(step));
            DateTime stored = File.GetLastWriteTimeUtc(path);
            if (stored > previous)
            {
                return stored;
            }

            step *= 10; // the file system keeps coarser times than 100 ns: step until one registers
        }
    }

    private static void EnsureParentFolder(string containerFolder, string name)
    {
        string[] segments = name.Split('/');
        string folder = containerFolder;
        for (int i = 0; i < segments.Length - 1; i++)
        {
            folder = Path.Combine(folder, segments[i]);
            if (File.Exists(folder))
            {
                throw NameConflict(name, $"'{string.Join('/', segments[..(i + 1)])}' is a blob, and a file system cannot hold blobs beneath a file");
            }
        }

        Directory.CreateDirectory(folder);
    }

    private void DeleteSidecarsExcept(string container, string name, string[] keep)
    {
        string folder = SidecarFolder(container, name);
        if (!Directory.Exists(folder))
        {
            return;
        }

        var kept = keep.Select(etag => etag.Trim('"') + ".json").ToHashSet(StringComparer.Ordinal);
        foreach (string sidecar in Directory.EnumerateFiles(folder, "*.json"))
        {
            if (!kept.Contains(Path.GetFileName(sidecar)))
            {
                File.Delete(sidecar);
            }
        }
    }

    /// <summary>Removes folders left empty by a delete, up to (not including) <paramref name="stopAt"/>, so the name can become a blob again.</summary>
    private static void RemoveEmptyFolders(string folder, string stopAt)
    {
        while (folder.Length > stopAt.Length && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
            folder = Path.GetDirectoryName(folder)!;
        }
    }

    private static Dictionary<string, string> Lowercased(IReadOnlyDictionary<string, string>? metadata)
        => metadata?.ToDictionary(pair => pair.Key.ToLowerInvariant(), pair => pair.Value, StringComparer.Ordinal) ?? [];

    private static InvalidBlobNameException NameConflict(string name, string reason)
        => new($"Blob name '{name}' cannot be stored by the filesystem store: {reason}.");
}
