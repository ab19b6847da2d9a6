using System.Text.Encodings.Web;
using System.Text.Json;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>The containers of the blob-drop trigger (the Bicep creates these names).</summary>
public sealed record DropContainers(string Input = "videos-in", string Output = "videos-out", string Failed = "videos-failed")
{
    public static DropContainers Default { get; } = new();
}

/// <summary>The error JSON written next to a blob moved to the failed container (<c>{blob}.error.json</c>).</summary>
public sealed record DropFailure(string Blob, string Error, string Message, int Attempts, string? InstanceId);

/// <summary>
/// The two ends of a blob drop, shared by <c>stitch serve</c>'s watcher and the Azure trigger and orchestration:
/// a finished job's video copied to the output container under the dropped blob's name, and a blob that could not
/// be edited moved to the failed container with its error JSON. Both may run again after a crash or a retried
/// activity: a second delivery rewrites the same blobs, and a second move finds the input gone and only rewrites
/// the error JSON.
/// </summary>
public sealed class DropDelivery(IBlobStore store, DropContainers? containers = null)
{
    /// <summary>The metadata key on a delivered video naming the job it came from.</summary>
    public const string JobIdMetadata = "jobid";

    /// <summary>camelCase; quotes and non-ASCII letters as they are.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly IBlobStore _store = Check.NotNull(store);

    public DropContainers Containers { get; } = containers ?? DropContainers.Default;

    /// <summary>A submit error no retry can fix (not a video, an unknown or malformed edit): the blob is moved to the failed container at once.</summary>
    public static bool IsRequestError(Exception e) => e is MediaException or ModelException or EditSpecException or EditDirectionException;

    /// <summary>The error type written to the error JSON: the exception's name without "Exception" (UnknownEditException → UnknownEdit).</summary>
    public static string ErrorType(Exception e) =>
        Check.NotNull(e).GetType().Name is var name && name.EndsWith("Exception", StringComparison.Ordinal) ? name[..^"Exception".Length] : e.GetType().Name;

    /// <summary>Copies job <paramref name="jobId"/>'s output video to the output container as <paramref name="blob"/>, tagged with the job id.</summary>
    /// <exception cref="BlobNotFoundException">The job has no output video.</exception>
    public async Task<BlobProperties> DeliverOutputAsync(string blob, string jobId, CancellationToken cancellationToken = default)
    {
        await _store.CreateContainerIfNotExistsAsync(Containers.Output, cancellationToken).ConfigureAwait(false);
        await using var download = await _store.OpenReadAsync(JobPaths.Container, new JobPaths(jobId).Output, null, cancellationToken).ConfigureAwait(false);
        return await _store.WriteAsync(Containers.Output, blob, download.Content, new BlobWriteOptions
        {
            ContentType = "video/mp4",
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [JobIdMetadata] = jobId },
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies input <paramref name="failure"/>.Blob to the failed container (content type and metadata kept), writes
    /// its error JSON beside it, then deletes it from the input container; the error JSON is written last but one,
    /// so a failed copy never sits without its reason.
    /// </summary>
    public async Task MoveToFailedAsync(DropFailure failure, CancellationToken cancellationToken = default)
    {
        Check.NotNull(failure);
        await _store.CreateContainerIfNotExistsAsync(Containers.Failed, cancellationToken).ConfigureAwait(false);
        if (!await CopyToFailedAsync(failure.Blob, cancellationToken).ConfigureAwait(false)
            && !await _store.ExistsAsync(Containers.Failed, failure.Blob, cancellationToken).ConfigureAwait(false))
        {
            throw new BlobNotFoundException($"{Containers.Input}/{failure.Blob} cannot be moved to {Containers.Failed}: it is in neither container.");
        }
        await _store.WriteJsonAsync(Containers.Failed, failure.Blob + ".error.json", failure, Json, null, cancellationToken).ConfigureAwait(false);
        await _store.DeleteIfExistsAsync(Containers.Input, failure.Blob, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>False when the input blob is not there (an earlier attempt may have moved it).</summary>
    private async Task<bool> CopyToFailedAsync(string blob, CancellationToken cancellationToken)
    {
        try
        {
            await using var download = await _store.OpenReadAsync(Containers.Input, blob, null, cancellationToken).ConfigureAwait(false);
            var source = download.Properties;
            await _store.WriteAsync(Containers.Failed, blob, download.Content,
                new BlobWriteOptions { ContentType = source.ContentType, Metadata = source.Metadata }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BlobNotFoundException)
        {
            return false;
        }
    }
}
