using System.Runtime.InteropServices;
using System.Text.Json;

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

    /// <summary>Writes <paramref name="value"/> as a JSON blob (content type application/json). Cancelling abandons the write.</summary>
    public static Task<BlobProperties> WriteJsonAsync<T>(this IBlobStore store, string container, string name, T value, JsonSerializerOptions? json = null, BlobCondition? condition = null, CancellationToken cancellationToken = default)
    {
        byte[] utf8 = JsonSerializer.SerializeToUtf8Bytes(value, json);
        var options = new BlobWriteOptions { ContentType = "application/json", Condition = condition ?? BlobCondition.None };
        return store.WriteBytesAsync(container, name, utf8, options, cancellationToken);
    }

    /// <summary>Reads a JSON blob; a blob that is not valid JSON for <typeparamref name="T"/> throws <see cref="JsonException"/> naming the blob.</summary>
    public static async Task<T> ReadJsonAsync<T>(this IBlobStore store, string container, string name, JsonSerializerOptions? json = null, CancellationToken cancellationToken = default)
    {
        byte[] utf8 = await store.ReadBytesAsync(container, name, null, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize<T>(utf8, json) ?? throw new JsonException("The document is JSON null.");
        }
        catch (JsonException e)
        {
            throw new JsonException($"Blob '{name}' in container '{container}' is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
