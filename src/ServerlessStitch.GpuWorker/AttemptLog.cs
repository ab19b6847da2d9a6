using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.GpuWorker;

/// <summary>The last failed PTI attempt of a job, kept in its blobs so the worker that gives up can say why.</summary>
public sealed record PtiAttemptFailure(int Attempt, string ErrorType, string Message, string Worker, DateTimeOffset At);

/// <summary>
/// <c>{jobId}/pti/worker-error.json</c> (or <c>stitched/worker-error-{batch}.json</c>): written by a failed attempt,
/// read by the one that gives up.
/// </summary>
internal sealed class AttemptLog(IBlobStore store, string name)
{
    private readonly string _name = name;

    public static AttemptLog For(IBlobStore store, WorkerItem item) => new(store, new JobPaths(item.JobId).Prefix + (item is StitchWorkItem batch
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"stitched/worker-error-{batch.Batch}.json")
        : "pti/worker-error.json"));

    public async Task WriteAsync(PtiAttemptFailure failure, CancellationToken cancellationToken)
    {
        await store.CreateContainerIfNotExistsAsync(JobPaths.Container, cancellationToken).ConfigureAwait(false);
        await store.WriteJsonAsync(JobPaths.Container, _name, failure, JobBlobs.Json, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The recorded failure, or null when no attempt has failed (or the job has no blobs at all).</summary>
    public async Task<PtiAttemptFailure?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadJsonAsync<PtiAttemptFailure>(JobPaths.Container, _name, JobBlobs.Json, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
        catch (ContainerNotFoundException)
        {
            return null;
        }
    }
}
