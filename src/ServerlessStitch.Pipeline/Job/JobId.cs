using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ServerlessStitch.Models;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// Job ids derive from the input's content hash and the request, so the same video with the same edits
/// always lands in the same job (a duplicate trigger resumes or finds the finished job instead of redoing it).
/// The model set's checksums are part of it too: new weights mean a new job, never a stale result.
/// </summary>
public static class JobId
{
    public static string For(string inputSha256, EditRequest request, ModelManifest models)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputSha256);
        Check.NotNull(request);
        Check.NotNull(models);
        var modelHashes = models.Models.All().Select(m => m.File.Sha256).Concat(models.Directions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Value.Sha256));
        string canonical = inputSha256 + "\n" + string.Join(",", modelHashes) + "\n" + JsonSerializer.Serialize(request, JobBlobs.Json);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..20];
    }

    public static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
    }
}
