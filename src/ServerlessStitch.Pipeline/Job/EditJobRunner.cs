using System.Diagnostics;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// The entry of an edit job: checks the request and the input, then stores them. The stages themselves run as the
/// durable edit orchestration (ServerlessStitch.Workflow's <c>EditOrchestration</c>, on the local host or Azure),
/// which calls the stage classes of this folder one activity at a time.
/// </summary>
public sealed class EditJobRunner(IBlobStore store, ModelCatalog catalog, MediaLimits? limits = null)
{
    /// <summary>
    /// Checks the request (unknown edits are refused here, listing the known ones) and the input video before
    /// anything is written, stores the input video and <c>job.json</c>, and returns the job id (the same for the same video and request).
    /// </summary>
    public async Task<string> SubmitAsync(string inputPath, EditRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        request.Validate();
        LatentEditor.EnsureKnown(catalog.Manifest, EditSpec.ParseAll(request.Edits));
        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"The input video {inputPath} does not exist.", inputPath);
        }
        // Not a video, truncated or over the limits: refused here, naming the user's file, before anything is stored.
        await new VideoProbe(limits ?? MediaLimits.Default).ProbeAsync(inputPath, cancellationToken).ConfigureAwait(false);
        string id = JobId.For(await JobId.Sha256OfFileAsync(inputPath, cancellationToken).ConfigureAwait(false), request, catalog.Manifest);
        var blobs = new JobBlobs(store, new JobPaths(id));
        await store.CreateContainerIfNotExistsAsync(JobPaths.Container, cancellationToken).ConfigureAwait(false);
        if (!await blobs.ExistsAsync(blobs.Paths.Request, cancellationToken).ConfigureAwait(false))
        {
            await blobs.WriteFileAsync(blobs.Paths.Input, inputPath, "application/octet-stream", cancellationToken).ConfigureAwait(false);
            // job.json last: a job without it was never submitted.
            await blobs.WriteJsonAsync(blobs.Paths.Request, request, cancellationToken).ConfigureAwait(false);
        }
        return id;
    }
}
