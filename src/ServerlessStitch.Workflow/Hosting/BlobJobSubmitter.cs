using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>
/// Submits a video blob as an edit job for the Azure triggers (HTTP start and blob drop): copies it to a temporary
/// file for the probe and hands it to <see cref="EditJobRunner.SubmitAsync"/>, which checks the request and the
/// video and returns the job id — the content hash of video, request and model set, so the same blob with the same
/// request always gives the same id. That id is the orchestration's instance id, as in <c>stitch serve</c>.
/// </summary>
public sealed class BlobJobSubmitter(IBlobStore store, EditJobRunner runner)
{
    private readonly IBlobStore _store = Check.NotNull(store);
    private readonly EditJobRunner _runner = Check.NotNull(runner);

    /// <summary>The job id of <paramref name="container"/>/<paramref name="blob"/> with <paramref name="request"/>. Cancelling stops the copy and the submit.</summary>
    /// <exception cref="BlobNotFoundException">The blob is not there.</exception>
    public async Task<string> SubmitAsync(string container, string blob, EditRequest request, CancellationToken cancellationToken = default)
    {
        string folder = Directory.CreateTempSubdirectory("stitch-submit-").FullName;
        try
        {
            // The probe needs a file; keep the blob's extension so ffprobe's format guess sees what the user sent.
            string path = Path.Combine(folder, "input" + SafeExtension(blob));
            await using (var download = await _store.OpenReadAsync(container, blob, null, cancellationToken).ConfigureAwait(false))
            await using (var file = File.Create(path))
            {
                await download.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
            try
            {
                return await _runner.SubmitAsync(path, request, cancellationToken).ConfigureAwait(false);
            }
            catch (MediaException e) when (e.Message.Contains(path, StringComparison.Ordinal))
            {
                // The user knows the blob, not this machine's temporary copy.
                throw new MediaException($"{container}/{blob}", e.Message.Replace(path + ": ", "", StringComparison.Ordinal).Replace(path, $"{container}/{blob}", StringComparison.Ordinal), null, null, e);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string SafeExtension(string blob)
    {
        string extension = Path.GetExtension(blob);
        return extension.Length is > 1 and <= 8 && extension.Skip(1).All(char.IsAsciiLetterOrDigit) ? extension : ".video";
    }
}
