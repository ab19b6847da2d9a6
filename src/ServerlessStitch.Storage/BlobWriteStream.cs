namespace ServerlessStitch.Storage;

/// <summary>
/// A write-only stream whose bytes become a blob only when <see cref="CommitAsync"/> succeeds;
/// disposing it uncommitted throws the staged data away.
/// </summary>
public abstract class BlobWriteStream : Stream
{
    public sealed override bool CanRead => false;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => !IsCompleted;

    public sealed override long Length => throw new NotSupportedException("A blob write stream cannot report its length before commit.");

    public sealed override long Position
    {
        get => throw new NotSupportedException("A blob write stream is forward-only.");
        set => throw new NotSupportedException("A blob write stream is forward-only.");
    }

    /// <summary>True once committed or failed; no more writes are accepted.</summary>
    protected bool IsCompleted { get; set; }

    /// <summary>Makes the written bytes the blob, atomically, honouring the write's condition. Cancelling abandons the commit.</summary>
    public abstract Task<BlobProperties> CommitAsync(CancellationToken cancellationToken = default);

    public abstract override void Write(ReadOnlySpan<byte> buffer);

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public sealed override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("A blob write stream cannot be read.");

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A blob write stream is forward-only.");

    public sealed override void SetLength(long value) => throw new NotSupportedException("A blob write stream is forward-only.");

    public override void Flush()
    {
        // Nothing becomes visible before CommitAsync, so flushing has no observable effect.
    }

    protected void ThrowIfCompleted()
    {
        if (IsCompleted)
        {
            throw new InvalidOperationException("This blob write was already committed or abandoned; open a new one.");
        }
    }
}
