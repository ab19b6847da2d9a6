using System.Runtime.InteropServices;

namespace ServerlessStitch.Storage;

/// <summary>Conveniences over <see cref="IBlobStore"/> for small blobs held in memory.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Writes <paramref name="content"/> as the blob. Cancelling abandons the write.</summary>
    public static async Task<BlobProperties> WriteBytesAsync(this IBlobStore store, string container, string name, ReadOnlyMemory<byte> content, BlobWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        using MemoryStream stream = MemoryMarshal.TryGetArray(content, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        return await store.WriteAsync(container, name, stream, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the whole blob, or <paramref name="range"/> of it, into memory. Cancelling stops the read.</summary>
    public static async Task<byte[]> ReadBytesAsync(this IBlobStore store, string container, string name, BlobRange? range = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        BlobDownload download = await store.OpenReadAsync(container, name, range, cancellationToken).ConfigureAwait(false);
        await using (download.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await download.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }
}
