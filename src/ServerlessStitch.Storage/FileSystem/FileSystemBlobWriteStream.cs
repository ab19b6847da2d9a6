using System.Security.Cryptography;

namespace ServerlessStitch.Storage;

/// <summary>Writes to a staging file (hashing as it goes); the commit flushes it to disk and renames it into place.</summary>
internal sealed class FileSystemBlobWriteStream : BlobWriteStream
{
    private readonly FileSystemBlobStore _store;
    private readonly string _container;
    private readonly string _name;
    private readonly string _stagingPath;
    private readonly BlobWriteOptions _options;
    private readonly FileStream _staging;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);

    public FileSystemBlobWriteStream(FileSystemBlobStore store, string container, string name, string stagingPath, BlobWriteOptions options)
    {
        _store = store;
        _container = container;
        _name = name;
        _stagingPath = stagingPath;
        _options = options;
        _staging = new FileStream(stagingPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, FileOptions.Asynchronous);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfCompleted();
        _md5.AppendData(buffer);
        _staging.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        _md5.AppendData(buffer.Span);
        await _staging.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<BlobProperties> CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        IsCompleted = true;
        try
        {
            // On disk before the rename: after a crash the name holds the old or the new bytes, never a torn file.
            await _staging.FlushAsync(cancellationToken).ConfigureAwait(false);
            _staging.Flush(flushToDisk: true);
            await _staging.DisposeAsync().ConfigureAwait(false);
            return await _store.CommitAsync(_container, _name, _stagingPath, _options, Convert.ToBase64String(_md5.GetHashAndReset()), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(_stagingPath); // no-op after a successful rename
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            IsCompleted = true;
            _staging.Dispose();
            _md5.Dispose();
            File.Delete(_stagingPath);
        }

        base.Dispose(disposing);
    }
}
