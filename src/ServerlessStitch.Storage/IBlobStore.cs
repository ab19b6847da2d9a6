namespace ServerlessStitch.Storage;

/// <summary>
/// Blob storage addressed by container and blob name. Every write is atomic: readers see the previous
/// object or the complete new one, never a partial one, and an abandoned write leaves nothing behind
/// that looks committed. Names follow <see cref="BlobNameRules"/> in every implementation.
/// </summary>
public interface IBlobStore
{
    /// <summary>Where the blobs live, for messages and logs (a folder or an endpoint; never a secret).</summary>
    string Location { get; }

    /// <summary>Creates the container unless it exists. Cancelling stops the request.</summary>
    Task CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the whole stream as the blob and commits it in one step, honouring <see cref="BlobWriteOptions.Condition"/>.
    /// Cancelling abandons the write; nothing is committed.
    /// </summary>
    Task<BlobProperties> WriteAsync(string container, string name, Stream content, BlobWriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a stream to write the blob piece by piece; nothing is visible until <see cref="BlobWriteStream.CommitAsync"/>.
    /// Disposing without committing discards the data. Cancelling stops opening.
    /// </summary>
    Task<BlobWriteStream> OpenWriteAsync(string container, string name, BlobWriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens the blob (or a byte range of it) for reading; the stream reads one consistent version.
    /// Throws <see cref="BlobNotFoundException"/> when absent. Cancelling stops opening.
    /// </summary>
    Task<BlobDownload> OpenReadAsync(string container, string name, BlobRange? range = null, CancellationToken cancellationToken = default);

    /// <summary>Length, ETag, content hash and metadata; throws <see cref="BlobNotFoundException"/> when absent.</summary>
    Task<BlobProperties> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>Whether the blob exists. Cancelling stops the request.</summary>
    Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// The blobs whose names start with <paramref name="prefix"/>, in ordinal name order, fetched page by page.
    /// Cancelling stops the enumeration.
    /// </summary>
    IAsyncEnumerable<BlobProperties> ListAsync(string container, string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Deletes the blob; false when there was nothing to delete. Cancelling stops the request.</summary>
    Task<bool> DeleteIfExistsAsync(string container, string name, CancellationToken cancellationToken = default);
}
