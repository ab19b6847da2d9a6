using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.GpuWorker.Tests;

/// <summary>
/// The PTI protocol end to end on a real Azurite: the local durable host queues PTI, real <c>stitch-gpu-worker</c>
/// processes take it, and the completion listener resumes the orchestration. One class, so its tests (which share
/// the queue names) never run at once.
/// </summary>
public sealed class PtiDispatchTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Minutes = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Dispatch_TwoWorkersAndADuplicate_OneWorkerTunesOnceWhileItsLeaseIsRenewed()
    {
        await using var rig = await DispatchRig.StartAsync();
        string jobId = await rig.SubmitAsync(new PtiOptionsFor(Passes: 10, CheckpointEvery: 0, Seed: 1));
        await rig.WaitForWorkItemAsync(jobId);

        // A 3 s lease and PTI that takes longer: without renewals the second worker would take the item too.
        using var a = WorkerProcess.Start("worker-a", rig.ConnectionString, "service", TimeSpan.FromSeconds(3));
        using var b = WorkerProcess.Start("worker-b", rig.ConnectionString, "service", TimeSpan.FromSeconds(3));
        var status = await rig.WaitForCompletionAsync(jobId, Minutes);
        var summary = await rig.ReadSummaryAsync(jobId);
        var generator = await rig.Store.GetPropertiesAsync(JobPaths.Container, new JobPaths(jobId).PtiGenerator);

        // A redelivered (or re-sent) item for a finished job only reports the result again.
        await rig.Work.SendAsync(PtiMessages.ToJson(new PtiWorkItem(jobId, jobId)));
        await UntilAsync(() => a.Count("was already tuned; reporting it again") + b.Count("was already tuned; reporting it again") == 1, a, b);
        a.Terminate();
        b.Terminate();
        int exitA = await a.WaitForExitAsync(Minutes), exitB = await b.WaitForExitAsync(Minutes);
        output.WriteLine(a.Log() + "\n" + b.Log());

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.True(summary.Seconds > 3, $"PTI took {summary.Seconds:F1} s: too short to need a lease renewal");
        Assert.Equal(2, a.Count("Took PTI") + b.Count("Took PTI")); // the job once, then the duplicate once
        Assert.Equal(1, a.Count("PTI of job " + jobId + " tuned") + b.Count("PTI of job " + jobId + " tuned"));
        Assert.Equal(generator.ETag, (await rig.Store.GetPropertiesAsync(JobPaths.Container, new JobPaths(jobId).PtiGenerator)).ETag);
        Assert.Equal((0, 0), (exitA, exitB));
        Assert.Equal(0, await rig.Poison.ApproximateCountAsync());
        Assert.Equal(8, summary.Frames);
    }

    private static async Task UntilAsync(Func<bool> condition, params WorkerProcess[] workers)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Minutes, "timed out:\n" + string.Join('\n', workers.Select(w => w.Log())));
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Dispatch_WorkerStoppedThenAnotherCrashed_TheThirdResumesFromTheLastCheckpoint()
    {
        await using var rig = await DispatchRig.StartAsync();
        string jobId = await rig.SubmitAsync(new PtiOptionsFor(Passes: 8, CheckpointEvery: 2, Seed: 2));
        await rig.WaitForWorkItemAsync(jobId);

        // SIGTERM after the first checkpoint: PTI stops between steps and the item is visible again at once, so a
        // job-mode worker (which exits on an empty queue) started right after finds it.
        using var first = WorkerProcess.Start("first", rig.ConnectionString, "job", TimeSpan.FromSeconds(30));
        await first.WaitForLineAsync("checkpoint after pass 2/8 written", Minutes);
        first.Terminate();
        Assert.Equal(0, await first.WaitForExitAsync(Minutes));
        Assert.Equal(1, first.Count("Handed PTI of job " + jobId + " back"));

        // SIGKILL after its next checkpoint: the item stays leased until its 4 s visibility runs out.
        using var second = WorkerProcess.Start("second", rig.ConnectionString, "job", TimeSpan.FromSeconds(4));
        await second.WaitForLineAsync("resuming from the checkpoint after pass", Minutes);
        await second.WaitForLineAsync("checkpoint after pass 4/8 written", Minutes);
        second.Crash();

        using var third = WorkerProcess.Start("third", rig.ConnectionString, "service", TimeSpan.FromSeconds(30));
        var status = await rig.WaitForCompletionAsync(jobId, Minutes);
        var summary = await rig.ReadSummaryAsync(jobId);
        third.Terminate();
        Assert.Equal(0, await third.WaitForExitAsync(Minutes));
        output.WriteLine(first.Log() + "\n" + second.Log() + "\n" + third.Log());

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(1, second.Count("resuming from the checkpoint after pass 2"));
        Assert.InRange(summary.ResumedFromPass, 4, 6);
        Assert.Contains(third.Lines, l => l.Contains("delivery 3", StringComparison.Ordinal));
        Assert.False(await rig.CheckpointExistsAsync(jobId), "the checkpoint outlived the job's PTI");
    }

    [Fact]
    public async Task Dispatch_PtiFailsOnEveryAttempt_ThePoisonedItemFailsTheJobWithTheReason()
    {
        await using var rig = await DispatchRig.StartAsync();
        string jobId = await rig.SubmitAsync(new PtiOptionsFor(Passes: 2, CheckpointEvery: 0, Seed: 3));
        await rig.WaitForWorkItemAsync(jobId);
        // The pivots of the second chunk vanish: every attempt fails reading them.
        Assert.True(await rig.Store.DeleteIfExistsAsync(JobPaths.Container, new JobPaths(jobId).Pivots(4)));

        using var worker = WorkerProcess.Start("worker", rig.ConnectionString, "service", TimeSpan.FromSeconds(3), maxAttempts: 2);
        var status = await rig.WaitForCompletionAsync(jobId, Minutes);
        worker.Terminate();
        await worker.WaitForExitAsync(Minutes);
        output.WriteLine(worker.Log());
        var poisoned = await rig.Poison.ReceiveAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.StartsWith($"ServerlessStitch.Workflow.Edit.PtiFailedException: PTI for job '{jobId}' failed on the GPU worker: PTI failed on all 2 attempts; the last: ServerlessStitch.Storage.BlobNotFoundException:",
            status.FailureReason, StringComparison.Ordinal);
        Assert.Contains("latents/000004.npy", status.FailureReason, StringComparison.Ordinal);
        Assert.Equal(1, worker.Count("failed on attempt 1 of 2"));
        var record = WorkflowLimits.Deserialize<PoisonRecord>(poisoned!.Text);
        Assert.Equal((PtiQueues.Work, 2), (record.Queue, record.DequeueCount));
        Assert.Equal(new PtiWorkItem(jobId, jobId), PtiMessages.ParseWorkItem(record.Text));
        Assert.Equal(0, await rig.Work.ApproximateCountAsync());
    }

    [Fact]
    public async Task Dispatch_StitchingOnTheWorkerToo_EveryBatchRunsThereAndTheJobCompletes()
    {
        await using var rig = await DispatchRig.StartAsync();
        string jobId = await rig.SubmitAsync(new PtiOptionsFor(Passes: 2, CheckpointEvery: 0, Seed: 4, StitchBatch: 1));

        using var worker = WorkerProcess.Start("worker", rig.ConnectionString, "service", TimeSpan.FromSeconds(30));
        var status = await rig.WaitForCompletionAsync(jobId, Minutes);
        worker.Terminate();
        await worker.WaitForExitAsync(Minutes);
        output.WriteLine(worker.Log());
        var attempts = await rig.Host.GetAttemptsAsync(jobId);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(1, worker.Count($"Stitched batch 0 of job {jobId}: 1 chunk(s), 4 frames"));
        Assert.Equal(1, worker.Count($"Stitched batch 1 of job {jobId}: 1 chunk(s), 4 frames"));
        Assert.DoesNotContain(attempts, a => a.Name == EditActivities.StitchChunk);
        Assert.Equal(2, attempts.Count(a => a.Name == EditActivities.EnqueueStitch));
        Assert.True(await rig.Store.ExistsAsync(JobPaths.Container, new JobPaths(jobId).Output));
    }

    [Fact]
    public async Task Dispatch_UnreadableWorkItem_GoesToThePoisonQueueAndTheWorkerCarriesOn()
    {
        await using var rig = await DispatchRig.StartAsync();
        await rig.Work.CreateIfNotExistsAsync();
        await rig.Work.SendAsync("{\"jobId\": 42");

        using var worker = WorkerProcess.Start("worker", rig.ConnectionString, "job", TimeSpan.FromSeconds(30));
        Assert.Equal(0, await worker.WaitForExitAsync(Minutes));
        var poisoned = await rig.Poison.ReceiveAsync(TimeSpan.FromSeconds(30));

        var record = WorkflowLimits.Deserialize<PoisonRecord>(poisoned!.Text);
        Assert.Equal("{\"jobId\": 42", record.Text);
        Assert.Contains("not valid JSON", record.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await rig.Work.ApproximateCountAsync());
        Assert.Contains(worker.Lines, l => l.Contains("stopped after 1 item(s): queue empty", StringComparison.Ordinal));
    }
}
