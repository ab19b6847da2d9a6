using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Serve;

/// <summary>A started (or found) job: its id is the workflow instance id; <see cref="Created"/> is false for a duplicate.</summary>
public sealed record SubmittedEdit(string InstanceId, bool Created);

/// <summary>
/// Submits a video through <see cref="EditJobRunner.SubmitAsync"/> (which validates the request and probes the
/// video before anything is stored) and starts the edit orchestration with the job id as its instance id, so the
/// same video with the same request finds the same instance instead of starting a second one.
/// </summary>
internal sealed class EditSubmitter(IBlobStore store, EditJobRunner runner, LocalWorkflowHost host, ServeOptions options)
{
    /// <summary>Submits a local file. Cancelling stops the probe and the store requests.</summary>
    public async Task<SubmittedEdit> SubmitFileAsync(string path, EditRequest request, CancellationToken cancellationToken = default)
    {
        string jobId = await runner.SubmitAsync(path, request, cancellationToken).ConfigureAwait(false);
        bool created = await host.StartAsync(EditOrchestration.OrchestrationName, jobId, new EditOrchestrationInput(jobId) { Retry = options.ActivityRetry, Pti = options.Pti, PtiTimeout = options.PtiTimeout, StitchBatchChunks = options.StitchBatchChunks, StitchTimeout = options.PtiTimeout }, cancellationToken).ConfigureAwait(false);
        return new SubmittedEdit(jobId, created);
    }

    /// <summary>Submits a blob of the store (copied to a temporary file for the probe). Cancelling stops the copy and the submit.</summary>
    public async Task<SubmittedEdit> SubmitBlobAsync(string container, string name, EditRequest request, CancellationToken cancellationToken = default)
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, SafeFileName(name));
        await using (var download = await store.OpenReadAsync(container, name, null, cancellationToken).ConfigureAwait(false))
        await using (var file = File.Create(path))
        {
            await download.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
        return await SubmitFileAsync(path, request, $"{container}/{name}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Submits a stream (an upload), written to a temporary file first. Cancelling stops the copy and the submit.</summary>
    public async Task<SubmittedEdit> SubmitStreamAsync(Stream content, string fileName, EditRequest request, CancellationToken cancellationToken = default)
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, SafeFileName(fileName));
        await using (var file = File.Create(path))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
        return await SubmitFileAsync(path, request, string.IsNullOrEmpty(fileName) ? "the uploaded body" : fileName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A temporary copy's error as the caller knows the video: the blob or the upload, not a server path.</summary>
    private async Task<SubmittedEdit> SubmitFileAsync(string path, EditRequest request, string shownAs, CancellationToken cancellationToken)
    {
        try
        {
            return await SubmitFileAsync(path, request, cancellationToken).ConfigureAwait(false);
        }
        catch (MediaException e) when (e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new BadRequestException(ErrorResponses.TypeOf(e), e.Message.Replace(path, shownAs, StringComparison.Ordinal));
        }
    }

    private static string SafeFileName(string name)
    {
        string file = Path.GetFileName(name.Replace('\\', '/'));
        return file.Length == 0 || file.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 ? "upload.video" : file;
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("stitch-serve-").FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind is harmless.
            }
        }
    }
}
