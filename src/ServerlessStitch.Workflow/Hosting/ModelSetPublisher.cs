using System.Security.Cryptography;
using ServerlessStitch.Models;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>What a push did: files uploaded, files already there with the same sha256, bytes sent.</summary>
public sealed record ModelSetPublication(string Container, string ManifestBlob, int Uploaded, int Unchanged, long Bytes);

/// <summary>
/// Uploads a model set (manifest.json and every file it names) to a blob container, so that the Functions app and
/// the GPU worker can fetch it with <see cref="ModelSetCache"/>. Each local file is checked against its sha256 before
/// it leaves the machine; the manifest goes last, so a reader never finds a manifest whose files are not all there.
/// A file whose blob already carries the same sha256 (metadata) is not sent again.
/// </summary>
public sealed class ModelSetPublisher(IBlobStore store)
{
    /// <summary>The blob metadata key holding a model file's sha256.</summary>
    public const string Sha256Metadata = "sha256";

    private readonly IBlobStore _store = Check.NotNull(store);

    /// <summary>Pushes the set of <paramref name="manifestPath"/> to <paramref name="container"/> under <paramref name="prefix"/>. Cancelling stops between and inside uploads; the manifest is then not written.</summary>
    /// <exception cref="ModelIntegrityException">A local file does not match its manifest entry.</exception>
    public async Task<ModelSetPublication> PublishAsync(string manifestPath, string container, string prefix = "", CancellationToken cancellationToken = default)
    {
        var manifest = ModelManifest.Load(manifestPath);
        var files = ModelSetFiles.Of(manifest);
        // Verify the whole set first: a corrupt file found halfway must not leave a half-replaced set behind.
        foreach (var file in files)
        {
            string path = Path.Combine(manifest.BaseDirectory, file.RelativePath);
            if (!File.Exists(path))
            {
                throw new ModelSetLayoutException($"Model file {path} named by {manifestPath} does not exist.");
            }
            string actual = await Sha256OfAsync(path, cancellationToken).ConfigureAwait(false);
            if (actual != file.Sha256)
            {
                throw new ModelIntegrityException(path, file.Sha256, actual);
            }
        }

        await _store.CreateContainerIfNotExistsAsync(container, cancellationToken).ConfigureAwait(false);
        int uploaded = 0, unchanged = 0;
        long bytes = 0;
        foreach (var file in files)
        {
            string blob = ModelSetFiles.BlobName(prefix, file.RelativePath);
            if (await HasSha256Async(container, blob, file.Sha256, cancellationToken).ConfigureAwait(false))
            {
                unchanged++;
                continue;
            }
            bytes += await UploadAsync(Path.Combine(manifest.BaseDirectory, file.RelativePath), container, blob, file.Sha256, cancellationToken).ConfigureAwait(false);
            uploaded++;
        }
        string manifestBlob = ModelSetFiles.BlobName(prefix, ModelSetFiles.ManifestName);
        bytes += await UploadAsync(Path.GetFullPath(manifestPath), container, manifestBlob, null, cancellationToken).ConfigureAwait(false);
        return new ModelSetPublication(container, manifestBlob, uploaded, unchanged, bytes);
    }

    private async Task<bool> HasSha256Async(string container, string blob, string sha256, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await _store.GetPropertiesAsync(container, blob, cancellationToken).ConfigureAwait(false);
            return properties.Metadata.TryGetValue(Sha256Metadata, out string? stored) && string.Equals(stored, sha256, StringComparison.OrdinalIgnoreCase);
        }
        catch (BlobNotFoundException)
        {
            return false;
        }
    }

    private async Task<long> UploadAsync(string path, string container, string blob, string? sha256, CancellationToken cancellationToken)
    {
        await using var content = File.OpenRead(path);
        var options = new BlobWriteOptions
        {
            ContentType = blob.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream",
            Metadata = sha256 is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { [Sha256Metadata] = sha256 },
        };
        await _store.WriteAsync(container, blob, content, options, cancellationToken).ConfigureAwait(false);
        return content.Length;
    }

    internal static async Task<string> Sha256OfAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
    }
}
