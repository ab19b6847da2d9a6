using System.Security.Cryptography;
using System.Text;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>How a job ended, for the drops waiting on it: <paramref name="Error"/> null = its video is ready.</summary>
public sealed record DropOutcome(string? Error = null, string? Message = null);

/// <summary>One dropped blob waiting on a job (<c>{job}/drops/waiting/{hash}.json</c>).</summary>
public sealed record DropWaiter(string Blob);

/// <summary>
/// Every dropped blob whose content and request make the same job, delivered when that job ends (the Azure trigger's
/// path; <c>stitch serve</c> keeps receipts per blob instead). Two copies of one video dropped under two names are one
/// job: the first starts it, the second must not be lost while it runs. A trigger lists its blob before it starts or
/// joins the job, then delivers it itself if the outcome is already there; the job's last activity writes the outcome
/// first and then delivers every listed blob. Whichever way the two interleave, a listed blob is seen by at least one
/// of them (both may deliver it: a delivery rewrites the same blobs). The outcome is cleared before a new instance
/// runs the job again (after a failure), so a blob listed then waits for the new run.
/// </summary>
public sealed class DropWaitlist(IBlobStore store, DropDelivery delivery)
{
    private readonly IBlobStore _store = Check.NotNull(store);
    private readonly DropDelivery _delivery = Check.NotNull(delivery);

    /// <summary>The job's outcome blob in <see cref="JobPaths.Container"/>.</summary>
    public static string OutcomePath(string jobId) => new JobPaths(jobId).Prefix + "drops/outcome.json";

    /// <summary>The prefix under which the job's waiting blobs are listed.</summary>
    public static string WaitingPrefix(string jobId) => new JobPaths(jobId).Prefix + "drops/waiting/";

    /// <summary>Lists <paramref name="blob"/> as waiting on <paramref name="jobId"/> (again: no change).</summary>
    public async Task AddAsync(string jobId, string blob, CancellationToken cancellationToken = default)
    {
        Check.NotNull(blob);
        await _store.CreateContainerIfNotExistsAsync(JobPaths.Container, cancellationToken).ConfigureAwait(false);
        await _store.WriteJsonAsync(JobPaths.Container, WaiterPath(jobId, blob), new DropWaiter(blob), DropDelivery.Json, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After <see cref="AddAsync"/>: when the job has ended, delivers <paramref name="blob"/> (or moves it to the failed
    /// container) and takes it off the list; false when the job is still running (its last activity delivers it).
    /// </summary>
    public async Task<bool> DeliverIfEndedAsync(string jobId, string blob, CancellationToken cancellationToken = default)
    {
        var outcome = await ReadOutcomeAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (outcome is null)
        {
            return false;
        }
        await DeliverAsync(jobId, blob, outcome, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Before a new instance runs the job: forgets the last run's outcome, so blobs listed from now on wait for the new one.</summary>
    public Task ClearOutcomeAsync(string jobId, CancellationToken cancellationToken = default) =>
        _store.DeleteIfExistsAsync(JobPaths.Container, OutcomePath(jobId), cancellationToken);

    /// <summary>The job's end: records <paramref name="outcome"/>, then delivers every listed blob and takes it off the list; returns their names.</summary>
    public async Task<IReadOnlyList<string>> EndAsync(string jobId, DropOutcome outcome, CancellationToken cancellationToken = default)
    {
        Check.NotNull(outcome);
        await _store.CreateContainerIfNotExistsAsync(JobPaths.Container, cancellationToken).ConfigureAwait(false);
        // Written before the list is read: a blob listed after the read finds it (DeliverIfEndedAsync). A rerun that
        // ends the same way rewrites nothing.
        if (await ReadOutcomeAsync(jobId, cancellationToken).ConfigureAwait(false) != outcome)
        {
            await _store.WriteJsonAsync(JobPaths.Container, OutcomePath(jobId), outcome, DropDelivery.Json, null, cancellationToken).ConfigureAwait(false);
        }
        var waiting = new List<string>();
        await foreach (var entry in _store.ListAsync(JobPaths.Container, WaitingPrefix(jobId), cancellationToken).ConfigureAwait(false))
        {
            waiting.Add(entry.Name);
        }
        var delivered = new List<string>();
        foreach (string path in waiting)
        {
            DropWaiter waiter;
            try
            {
                waiter = await _store.ReadJsonAsync<DropWaiter>(JobPaths.Container, path, DropDelivery.Json, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobNotFoundException)
            {
                continue; // its own trigger delivered it meanwhile
            }
            await DeliverAsync(jobId, waiter.Blob, outcome, cancellationToken).ConfigureAwait(false);
            delivered.Add(waiter.Blob);
        }
        return delivered;
    }

    private async Task DeliverAsync(string jobId, string blob, DropOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.Error is null)
        {
            await _delivery.DeliverOutputAsync(blob, jobId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _delivery.MoveToFailedAsync(new DropFailure(blob, outcome.Error, outcome.Message ?? "", 1, jobId), cancellationToken).ConfigureAwait(false);
        }
        await _store.DeleteIfExistsAsync(JobPaths.Container, WaiterPath(jobId, blob), cancellationToken).ConfigureAwait(false);
    }

    private async Task<DropOutcome?> ReadOutcomeAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.ReadJsonAsync<DropOutcome>(JobPaths.Container, OutcomePath(jobId), DropDelivery.Json, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    // Hashed: any blob name (slashes, long names, odd characters) becomes one flat, safe blob name.
    private static string WaiterPath(string jobId, string blob) =>
        WaitingPrefix(jobId) + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blob)))[..32] + ".json";
}
