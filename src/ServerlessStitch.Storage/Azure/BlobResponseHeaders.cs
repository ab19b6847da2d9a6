using System.Globalization;

namespace ServerlessStitch.Storage;

/// <summary>Reads <see cref="BlobProperties"/> from the headers of a Get Blob, Get Blob Properties or Put response.</summary>
internal static class BlobResponseHeaders
{
    public static BlobProperties ToProperties(string name, HttpResponseMessage response)
    {
        var content = response.Content.Headers;
        // A ranged read reports the range's length; Content-Range "bytes a-b/total" carries the whole length.
        long length = content.ContentRange?.Length ?? content.ContentLength ?? 0;
        string? md5 = Header(response, "x-ms-blob-content-md5")
            ?? (content.ContentRange is null && content.ContentMD5 is { } hash ? Convert.ToBase64String(hash) : null);
        var metadata = response.Headers
            .Where(h => h.Key.StartsWith("x-ms-meta-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key["x-ms-meta-".Length..].ToLowerInvariant(), h => string.Join(',', h.Value), StringComparer.Ordinal);
        return new BlobProperties(
            name,
            length,
            ETag(response),
            content.LastModified ?? DateTimeOffset.MinValue,
            content.ContentType?.ToString() ?? "application/octet-stream",
            md5,
            metadata);
    }

    /// <summary>The raw ETag header, quotes included, exactly as If-Match must send it back.</summary>
    public static string ETag(HttpResponseMessage response)
        => Header(response, "ETag") ?? throw new BlobStoreException("Azure Storage answered without an ETag header.");

    public static DateTimeOffset LastModified(HttpResponseMessage response)
        => response.Content.Headers.LastModified
            ?? (Header(response, "Last-Modified") is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue);

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;
}
