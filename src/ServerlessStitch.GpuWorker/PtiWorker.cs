using System.Globalization;
using Microsoft.Extensions.Logging;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage.Queues;
using ServerlessStitch.Workflow;
using ServerlessStitch.Workflow.Activities;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.GpuWorker;

/// <summary>
/// Takes work items off <see cref="PtiQueues.Work"/> one at a time (PTI, or a batch of stitching chunks when the
/// orchestration sends stitching too) and runs them (DESIGN.md §8), with
/// at-least-once delivery in mind: the item stays leased (invisible) while PTI runs; a job whose PTI is already in
/// its blobs is only reported again; a failed attempt is recorded and the item retried after a backoff; the
/// <see cref="WorkerOptions.MaxAttempts"/>th failure (or delivery) sends it to the poison queue and reports the
/// reason, which fails the orchestration. Stopping (SIGTERM) ends PTI between steps and hands the item straight back:
/// the checkpoint in the job's blobs lets the next worker resume.
/// </summary>
public sealed class PtiWorker(WorkerOptions options, JobResources resources, WorkerQueues queues, ILogger logger)
{
    private static readonly string WorkerName = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>Runs until the queue is empty (job mode) or until stopped (service mode). Returns the items handled.</summary>
    public async Task<int> RunAsync(CancellationToken stopping)
    {
        await queues.CreateIfNotExistsAsync(stopping).ConfigureAwait(false);
        int handled = 0;
        while (!stopping.IsCancellationRequested)
        {
            QueueMessage? message;
            try
            {
                message = await queues.Work.ReceiveAsync(options.Visibility, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            if (message is not null)
            {
                await HandleAsync(message, stopping).ConfigureAwait(false);
                handled++;
                continue;
            }
            if (options.Mode == WorkerMode.Job)
            {
                break;
            }
            try
            {
                await Task.Delay(options.PollInterval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Logs.Stopped(logger, handled, stopping.IsCancellationRequested ? "stop requested" : "queue empty");
        return handled;
    }

    /// <summary>Handles one taken message to the end: reported, retried later, poisoned, or handed back when stopping.</summary>
    internal async Task HandleAsync(QueueMessage message, CancellationToken stopping)
    {
        WorkerItem item;
        try
        {
            item = PtiMessages.ParseWork(message.Text);
        }
        catch (PtiMessageException e)
        {
            // Nobody to report to: the item names no instance we can trust.
            Logs.Unreadable(logger, e.Message);
            await PoisonAsync(message, e.Message).ConfigureAwait(false);
            await queues.Work.DeleteAsync(message, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        string what = What(item);
        var attempts = AttemptLog.For(resources.Store, item);
        if (message.DequeueCount > options.MaxAttempts)
        {
            var last = await attempts.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            string reason = $"the work item was taken {message.DequeueCount} times without finishing (workers crashed or were stopped)" +
                (last is null ? "" : $"; the last recorded failure (attempt {last.Attempt}): {last.ErrorType}: {last.Message}");
            await GiveUpAsync(item, message, reason, m => queues.Work.DeleteAsync(m, CancellationToken.None)).ConfigureAwait(false);
            return;
        }

        Logs.Taken(logger, what, item.JobId, item.InstanceId, message.DequeueCount, (DateTimeOffset.UtcNow - message.InsertedOn).TotalSeconds);
        await using var lease = new MessageLease(queues.Work, message, options.Visibility);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(stopping, lease.Lost);
        try
        {
            string report = item switch
            {
                StitchWorkItem batch => await StitchAsync(batch, work.Token).ConfigureAwait(false),
                _ => await TuneAsync((PtiWorkItem)item, work.Token).ConfigureAwait(false),
            };
            // Report first, delete second: a crash in between redelivers the item, which only reports again.
            await queues.Completed.SendAsync(report, null, CancellationToken.None).ConfigureAwait(false);
            await lease.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Logs.HandedBack(logger, what, item.JobId, "the worker is stopping; the next worker resumes from the last checkpoint");
            await lease.ReleaseAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested)
        {
            Logs.HandedBack(logger, what, item.JobId, "the lease was lost; another worker has the item");
        }
#pragma warning disable CA1031 // Any failure of an attempt is recorded and retried; the last one is reported to the orchestration.
        catch (Exception e)
#pragma warning restore CA1031
        {
            int attempt = message.DequeueCount;
            await attempts.WriteAsync(new PtiAttemptFailure(attempt, e.GetType().FullName!, e.Message, WorkerName, DateTimeOffset.UtcNow), CancellationToken.None).ConfigureAwait(false);
            if (attempt >= options.MaxAttempts)
            {
                string reason = $"{what} failed on all {attempt} attempts; the last: {e.GetType().FullName}: {e.Message}";
                await GiveUpAsync(item, message, reason, _ => lease.CompleteAsync(CancellationToken.None)).ConfigureAwait(false);
                return;
            }
            TimeSpan backoff = Backoff(attempt);
            Logs.AttemptFailed(logger, what, item.JobId, attempt, options.MaxAttempts, e.GetType().Name, e.Message, backoff.TotalSeconds);
            await lease.ReleaseAsync(backoff, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Runs (or, when its summary exists, only reads) the job's PTI; returns the completion to report.</summary>
    private async Task<string> TuneAsync(PtiWorkItem item, CancellationToken cancellationToken)
    {
        var paths = new JobPaths(item.JobId);
        bool alreadyTuned = await new JobBlobs(resources.Store, paths).ExistsAsync(paths.PtiSummary, cancellationToken).ConfigureAwait(false);
        var (output, summary) = await TuneGeneratorActivity.TuneAsync(resources, item.JobId, new PtiLog(logger, item.JobId), cancellationToken).ConfigureAwait(false);
        string outcome = alreadyTuned ? "was already tuned; reporting it again" : "tuned", device = resources.Catalog.Device.ToString();
        Logs.Finished(logger, item.JobId, outcome, summary.Frames, summary.Passes, summary.ResumedFromPass, summary.FrameStepsPerSecond, device,
            summary.PsnrEncoder, summary.PsnrTuned);
        return PtiCompletion.Succeeded(item, output).ToJson();
    }

    /// <summary>Edits, stitches and pastes each chunk of the batch (chunks already stitched are skipped); returns the completion to report.</summary>
    private async Task<string> StitchAsync(StitchWorkItem item, CancellationToken cancellationToken)
    {
        var stitch = new StitchChunkActivity(resources);
        double seconds = 0;
        foreach (var chunk in item.Chunks)
        {
            string output = await stitch.RunAsync(WorkflowLimits.Serialize(chunk, "A stitch chunk"), cancellationToken).ConfigureAwait(false);
            seconds += WorkflowLimits.Deserialize<BlobOutput>(output).Seconds;
        }
        int frames = item.Chunks.Sum(c => c.Count);
        string device = resources.Catalog.Device.ToString();
        Logs.Stitched(logger, item.Batch, item.JobId, item.Chunks.Count, frames, seconds, device);
        return StitchCompletion.Succeeded(item, Math.Round(seconds, 3)).ToJson();
    }

    private static string What(WorkerItem item) => item is StitchWorkItem batch
        ? string.Create(CultureInfo.InvariantCulture, $"stitching batch {batch.Batch}")
        : "PTI";

    /// <summary>5 s, 10 s, 20 s … after the 1st, 2nd, 3rd failure, never longer than the lease.</summary>
    private TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(5 * Math.Pow(2, attempt - 1), options.Visibility.TotalSeconds));

    private async Task GiveUpAsync(WorkerItem item, QueueMessage message, string reason, Func<QueueMessage, Task> delete)
    {
        Logs.GaveUp(logger, What(item), item.JobId, item.InstanceId, reason);
        await PoisonAsync(message, reason).ConfigureAwait(false);
        string report = item is StitchWorkItem batch ? StitchCompletion.Failed(batch, reason).ToJson() : PtiCompletion.Failed((PtiWorkItem)item, reason).ToJson();
        await queues.Completed.SendAsync(report, null, CancellationToken.None).ConfigureAwait(false);
        await delete(message).ConfigureAwait(false);
    }

    private async Task PoisonAsync(QueueMessage message, string reason) =>
        await queues.Poison.SendAsync(PoisonRecord.ToJson(queues.Work.Name, message, reason), null, CancellationToken.None).ConfigureAwait(false);

    /// <summary>Logs PTI's checkpoints and resumes as they happen, and its steps every 5 %.</summary>
    private sealed class PtiLog(ILogger logger, string jobId) : IProgress<StageProgress>
    {
        public void Report(StageProgress value)
        {
            bool step = value.Detail?.StartsWith("pass ", StringComparison.Ordinal) ?? true;
            if (!step || value.IsComplete || value.Done % Math.Max(1, value.Total / 20) == 0)
            {
                Logs.Progress(logger, jobId, value.Done, value.Total, value.Loss ?? double.NaN, value.Detail ?? "");
            }
        }
    }
}

/// <summary>The three queues of the PTI protocol on one storage account.</summary>
public sealed record WorkerQueues(IMessageQueue Work, IMessageQueue Completed, IMessageQueue Poison)
{
    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        await Work.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await Completed.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await Poison.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }
}
