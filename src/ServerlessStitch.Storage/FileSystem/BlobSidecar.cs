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

    /// <summary>The sidecar of that version, or defaults when it is gone (written by hand, or a crash before the sidecar).</summary>
    public static BlobSidecar ReadOrDefault(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<BlobSidecar>(File.ReadAllBytes(path)) ?? Default;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return Default;
        }
    }
}
