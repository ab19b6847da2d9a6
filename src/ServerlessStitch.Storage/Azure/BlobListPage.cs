using System.Globalization;
using System.Xml.Linq;

namespace ServerlessStitch.Storage;

/// <summary>One page of a List Blobs response: the blobs and the marker of the next page (null on the last).</summary>
internal sealed record BlobListPage(IReadOnlyList<BlobProperties> Blobs, string? NextMarker)
{
    public static BlobListPage Parse(Stream xml)
    {
        XElement root = XDocument.Load(xml).Root ?? throw new BlobStoreException("List Blobs answered with an empty document.");
        var blobs = root.Element("Blobs")?.Elements("Blob").Select(ToProperties).ToList() ?? [];
        string? next = root.Element("NextMarker")?.Value;
        return new BlobListPage(blobs, string.IsNullOrEmpty(next) ? null : next);
    }

    private static BlobProperties ToProperties(XElement blob)
    {
        XElement properties = blob.Element("Properties") ?? new XElement("Properties");
        string? Property(string name) => properties.Element(name)?.Value is { Length: > 0 } value ? value : null;
        var metadata = blob.Element("Metadata")?.Elements()
            .ToDictionary(e => e.Name.LocalName.ToLowerInvariant(), e => e.Value, StringComparer.Ordinal) ?? [];
        return new BlobProperties(
            blob.Element("Name")?.Value ?? throw new BlobStoreException("List Blobs answered with a blob without a name."),
            long.Parse(Property("Content-Length") ?? "0", CultureInfo.InvariantCulture),
            Quoted(Property("Etag") ?? string.Empty),
            Property("Last-Modified") is { } modified ? DateTimeOffset.Parse(modified, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue,
            Property("Content-Type") ?? "application/octet-stream",
            Property("Content-MD5"),
            metadata);
    }

    /// <summary>Listings give the ETag bare while headers quote it; quote it so it compares equal and works in If-Match.</summary>
    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";
}
