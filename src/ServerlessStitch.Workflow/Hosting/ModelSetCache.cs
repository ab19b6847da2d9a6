using System.Security.Cryptography;
using ServerlessStitch.Models;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>
/// Brings a model set from a blob container (as <see cref="ModelSetPublisher"/> lays it out) into a local folder and
/// returns the local manifest path for <see cref="ModelManifest.Load"/>. Files already cached with the right sha256
/// are kept; every download is hashed as it arrives and lands under its own name only when it matches (a rename),
/// so a half-finished or tampered download never looks complete. The manifest is written last.
/// </summary>
public sealed class ModelSetCache(IBlobStore store, string container, string cacheFolder, string prefix = "")
{
    private readonly IBlobStore _store = Check.NotNull(store);
    private readonly string _cache = Path.GetFullPath(Check.NotNull(cacheFolder));
    private readonly string _prefix = ModelSetFiles.NormalisePrefix(prefix);

    /// <summary>Makes the cache hold the container's current set; returns the cached manifest.json. Cancelling stops the downloads (nothing partial is kept).</summary>
    /// <exception cref="ModelSetLayoutException">The container holds no manifest, or the manifest names files outside its folder.</exception>
    /// <exception cref="ModelSetIntegrityException">A blob's content does not match the manifest's sha256.</exception>
    public async Task<string> EnsureAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_cache);
        string manifestBlob = _prefix + ModelSetFiles.ManifestName;
        string manifestPath = Path.Combine(_cache, ModelSetFiles.ManifestName);
        string manifestDownload = TemporaryName(manifestPath);
        try
        {
            try
            {
                await DownloadAsync(manifestBlob, manifestDownload, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobNotFoundException e)
            {
                throw new ModelSetLayoutException(
                    $"No model set in {_store.Location} {container}/{manifestBlob}: upload one with 'stitch models push --storage CONNECTION --container {container}'.", e);
            }
            // Loaded from the cache folder so its relative paths resolve there.
            var manifest = ModelManifest.Load(manifestDownload);
            foreach (var file in ModelSetFiles.Of(manifest))
            {
                await EnsureFileAsync(file, cancellationToken).ConfigureAwait(false);
            }
            File.Move(manifestDownload, manifestPath, overwrite: true);
            return manifestPath;
        }
        finally
        {
            File.Delete(manifestDownload);
        }
    }

    private async Task EnsureFileAsync(ModelSetFile file, CancellationToken cancellationToken)
    {
        string path = Path.Combine(_cache, file.RelativePath);
        if (File.Exists(path) && await ModelSetPublisher.Sha256OfAsync(path, cancellationToken).ConfigureAwait(false) == file.Sha256)
        {
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string blob = _prefix + file.RelativePath;
        string download = TemporaryName(path);
        try
        {
            string actual = await DownloadAsync(blob, download, cancellationToken).ConfigureAwait(false);
            if (actual != file.Sha256)
            {
                throw new ModelSetIntegrityException(container, blob, file.Sha256, actual);
            }
            File.Move(download, path, overwrite: true);
        }
        finally
        {
            File.Delete(download);
        }
    }

    /// <summary>Copies the blob to <paramref name="path"/>, returning the sha256 of what arrived.</summary>
    private async Task<string> DownloadAsync(string blob, string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var download = await _store.OpenReadAsync(container, blob, null, cancellationToken).ConfigureAwait(false);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await download.Content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A unique name beside <paramref name="path"/> (same folder, so the final move is a rename).</summary>
    private static string TemporaryName(string path) => $"{path}.partial-{Guid.NewGuid():N}";
}
