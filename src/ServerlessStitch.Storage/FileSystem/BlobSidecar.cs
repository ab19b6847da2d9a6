using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessStitch.Storage;

/// <summary>
/// What the filesystem store records beside a blob's bytes. One sidecar per version, named by the
/// version's ETag, so a reader that opened version X always finds X's metadata even while X+1 commits.
/// </summary>
internal sealed record BlobSidecar(
    [property: JsonPropertyName("contentType")] string ContentType,
    [property: JsonPropertyName("contentMd5")] string? ContentMd5,
    [property: JsonPropertyName("metadata")] Dictionary<string, string> Metadata)
{
    public static BlobSidecar Default { get; } = new("application/octet-stream", null, []);

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this));
    }

    /// <summary>The sidecar at <paramref name="path"/>, or null when there is none (or it is unreadable).</summary>
    public static BlobSidecar? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<BlobSidecar>(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }
}
