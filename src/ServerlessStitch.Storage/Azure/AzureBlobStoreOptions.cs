namespace ServerlessStitch.Storage;

/// <summary>How <see cref="AzureBlobStore"/> moves data. Defaults suit jobs of frame chunks and videos of tens of MB.</summary>
public sealed class AzureBlobStoreOptions
{
    /// <summary>Bytes per staged block of a large upload (Azure allows up to 4000 MiB per block, 50 000 blocks).</summary>
    public int BlockSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Blobs up to this size go up in one Put Blob request; larger ones in parallel blocks.</summary>
    public int SingleUploadLimit { get; set; } = 8 * 1024 * 1024;

    /// <summary>Blocks in flight at once per upload; memory use is about (this + 1) × <see cref="BlockSize"/>.</summary>
    public int MaxParallelBlockUploads { get; set; } = 4;

    /// <summary>Blobs per List Blobs page (the service caps it at 5000).</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>How long one attempt may wait for response headers before it counts as a transient failure.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    public StorageRetryOptions Retry { get; set; } = new();

    internal void Validate()
    {
        Check.Positive(BlockSize);
        Check.Positive(SingleUploadLimit);
        Check.Positive(MaxParallelBlockUploads);
        if (ListPageSize is < 1 or > 5000)
        {
            throw new ArgumentOutOfRangeException(nameof(ListPageSize), ListPageSize, "must be 1 to 5000");
        }

        Check.Positive(Retry.MaxAttempts);
    }
}
