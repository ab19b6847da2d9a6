using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// Job ids derive from the input's content hash and the request, so the same video with the same edits
/// always lands in the same job (a duplicate trigger resumes or finds the finished job instead of redoing it).
/// </summary>
public static class JobId
{
    public static string For(string inputSha256, EditRequest request)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputSha256);
        Check.NotNull(request);
        string canonical = inputSha256 + "\n" + JsonSerializer.Serialize(request, JobBlobs.Json);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..20];
    }

    public static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
    }
}
