using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Workflow.Tests.Edit;

/// <summary>The edit orchestration's control flow on the local host, with instant stand-in activities.</summary>
public sealed class EditOrchestrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wf-edit-").FullName;
    private readonly FileSystemBlobStore _store;

    public EditOrchestrationTests() => _store = new FileSystemBlobStore(_folder);

    private LocalWorkflowHost Host(WorkflowRegistry registry, Action<WorkflowCall>? calls = null) =>
        new(_store, registry, new LocalWorkflowHostOptions { PollInterval = TimeSpan.FromMilliseconds(20), CallObserver = calls });

    [Fact]
    public async Task Run_TwelveFramesInChunksOfFive_FansOutThreeCallsPerChunkedStage()
    {
        var activities = new RecordingEditActivities(frames: 12, chunkSize: 5);
        await using var host = Host(activities.Registry());

        await host.StartAsync(EditOrchestration.OrchestrationName, "job1", new EditOrchestrationInput("job1"));
        var status = await host.WaitForCompletionAsync("job1");

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal("job1/output.mp4", status.ReadOutput<EditOutput>()!.Output);
        Assert.Equal(new EditStatus("done", 1, 1), status.ReadCustomStatus<EditStatus>());
        var perActivity = activities.Runs.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.Count());
        foreach (string chunked in new[] { EditActivities.DecodeChunk, EditActivities.DetectLandmarks, EditActivities.AlignChunk, EditActivities.InvertChunk, EditActivities.StitchChunk })
        {
            Assert.Equal(3, perActivity[chunked]);
        }
        Assert.Equal([0, 5, 10], activities.Runs.Where(r => r.Name == EditActivities.StitchChunk)
            .Select(r => WorkflowLimits.Deserialize<ChunkInput>(r.Input)).Select(c => c.Start).Order());
        Assert.False(perActivity.ContainsKey(EditActivities.EnqueuePti));
        // The finish activity gets every stage's seconds, summed from the activities' own figures.
        var finish = WorkflowLimits.Deserialize<FinishInput>(activities.Runs.Single(r => r.Name == EditActivities.FinishJob).Input);
        Assert.Equal(["probe", "decode", "align", "invert", "pti", "stitch"], finish.StageSeconds.Keys);
        Assert.Equal((12.0, 10.0), (finish.StageSeconds["decode"], finish.StageSeconds["pti"]));
    }

    [Fact]
    public async Task Replay_AgainstRecordedResults_IssuesTheSameCallsInTheSameOrderAndRunsNothing()
    {
        var live = new List<WorkflowCall>();
        var activities = new RecordingEditActivities(frames: 40, chunkSize: 7);
        await using (var host = Host(activities.Registry(), live.Add))
        {
            await host.StartAsync(EditOrchestration.OrchestrationName, "job2", new EditOrchestrationInput("job2"));
            await host.WaitForCompletionAsync("job2");
        }

        // A new process: activities that fail the test if they are called.
        await using var replayHost = Host(activities.Registry(failOnRun: true));
        var first = await replayHost.ReplayAsync("job2");
        var second = await replayHost.ReplayAsync("job2");

        Assert.Equal(live.Select(c => (c.Kind, c.Name, c.Key)), first.Calls.Select(c => (c.Kind, c.Name, c.Key)));
        Assert.Equal(first.Calls, second.Calls);
        Assert.All(first.Calls, c => Assert.True(c.Replayed));
        Assert.Equal(1 + (6 * 5) + 1 + 1 + 1 + 1, first.Calls.Count); // probe, 6 chunks × 5 chunked stages, track, PTI, finish, deliver
        Assert.Equal((await replayHost.GetStatusAsync("job2"))!.Output!.Value.GetRawText(), first.Output);
    }

    [Fact]
    public async Task Run_MoreChunksThanTheLimit_RunsEachStageInChildrenWithTheSameActivitiesAndSeconds()
    {
        var flat = new RecordingEditActivities(frames: 40, chunkSize: 7); // 6 chunks
        await using (var host = Host(flat.Registry()))
        {
            await host.StartAsync(EditOrchestration.OrchestrationName, "flat", new EditOrchestrationInput("flat"));
            await host.WaitForCompletionAsync("flat");
        }
        var nested = new RecordingEditActivities(frames: 40, chunkSize: 7);
        var calls = new System.Collections.Concurrent.ConcurrentQueue<WorkflowCall>();
        await using var nestedHost = Host(nested.Registry(), calls.Enqueue);

        await nestedHost.StartAsync(EditOrchestration.OrchestrationName, "deep", new EditOrchestrationInput("deep") { MaxChunksPerOrchestration = 4 });
        var status = await nestedHost.WaitForCompletionAsync("deep");

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        // Every activity ran once on the same chunk, and the finish got the same stage seconds.
        static IEnumerable<string> Inputs(RecordingEditActivities a, string jobId) => a.Runs.Select(r => r.Name + r.Input.Replace(jobId, "J", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(Inputs(flat, "flat"), Inputs(nested, "deep"));
        // The parent issued probe, track, PTI, finish and deliver itself and two children per chunked stage (4 + 2 chunks).
        var own = calls.Where(c => c.InstanceId == "deep").ToList();
        Assert.Equal(5, own.Count(c => c.Kind == "activity"));
        string[] stages = ["decode", "landmarks", "align", "invert", "stitch"];
        Assert.Equal(stages.SelectMany(s => new[] { $"deep.{s}.0", $"deep.{s}.1" }).Order(StringComparer.Ordinal),
            calls.Where(c => c.Kind == "activity" && c.InstanceId != "deep").Select(c => c.InstanceId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(10, own.Count(c => c.Kind == "orchestration"));
        foreach (string stage in stages)
        {
            Assert.Equal((4, 2), (calls.Count(c => c.InstanceId == $"deep.{stage}.0"), calls.Count(c => c.InstanceId == $"deep.{stage}.1")));
            Assert.Equal("deep", (await nestedHost.GetStatusAsync($"deep.{stage}.0"))!.ParentInstanceId);
        }
        // Replayed in a new process, the parent and each child find every step in their own history.
        await using var replayHost = Host(nested.Registry(failOnRun: true));
        var replay = await replayHost.ReplayAsync("deep");
        Assert.Equal(15, replay.Calls.Count); // its 5 activities and 10 children
        Assert.Equal(status.Output!.Value.GetRawText(), replay.Output);
        Assert.Equal(4, (await replayHost.ReplayAsync("deep.decode.0")).Calls.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task Run_NoChunksPerOrchestration_FailsNamingTheField(int limit)
    {
        var activities = new RecordingEditActivities(frames: 12, chunkSize: 5);
        await using var host = Host(activities.Registry());

        await host.StartAsync(EditOrchestration.OrchestrationName, "bad", new EditOrchestrationInput("bad") { MaxChunksPerOrchestration = limit });
        var status = await host.WaitForCompletionAsync("bad");

        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains("MaxChunksPerOrchestration", status.FailureReason, StringComparison.Ordinal);
        Assert.Empty(activities.Runs);
    }

    [Fact]
    public async Task JobCompletes_DeliversItsDropsLast()
    {
        var activities = new RecordingEditActivities(frames: 12, chunkSize: 5);
        await using var host = Host(activities.Registry());

        await host.StartAsync(EditOrchestration.OrchestrationName, "job8", new EditOrchestrationInput("job8"));
        var status = await host.WaitForCompletionAsync("job8");

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal("job8/output.mp4", status.ReadOutput<EditOutput>()!.Output);
        Assert.Equal(new EditStatus("done", 1, 1), status.ReadCustomStatus<EditStatus>());
        var (last, input) = activities.Runs.Last();
        Assert.Equal(EditActivities.DeliverDrops, last);
        Assert.Equal(new DropOutcomeInput("job8"), WorkflowLimits.Deserialize<DropOutcomeInput>(input));
        Assert.Single(activities.Runs, r => r.Name == EditActivities.DeliverDrops);
    }

    [Fact]
    public async Task JobFails_MovesItsDropsWithTheReasonAndStillFails()
    {
        var activities = new RecordingEditActivities(frames: 12, chunkSize: 5);
        await using var host = Host(activities.Registry());
        var input = new EditOrchestrationInput("job9") { Pti = PtiDispatch.Queue };
        await host.StartAsync(EditOrchestration.OrchestrationName, "job9", input);
        await UntilAsync(() => activities.Runs.Any(r => r.Name == EditActivities.EnqueuePti));

        await host.RaiseEventAsync("job9", EditOrchestration.PtiCompletedEvent, PtiCompletion.Failed(new PtiWorkItem("job9", "job9"), "CUDA out of memory"));
        var status = await host.WaitForCompletionAsync("job9");

        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains("CUDA out of memory", status.FailureReason, StringComparison.Ordinal);
        var move = WorkflowLimits.Deserialize<DropOutcomeInput>(activities.Runs.Single(r => r.Name == EditActivities.DeliverDrops).Input);
        Assert.Equal(("job9", "JobFailed"), (move.JobId, move.Error));
        Assert.Equal("PTI for job 'job9' failed on the GPU worker: CUDA out of memory", move.Message);
        Assert.DoesNotContain(activities.Runs, r => r.Name == EditActivities.FinishJob);
    }

    [Fact]
    public async Task QueueDispatch_EventRaised_PtiResultComesFromTheWorker()
    {
        var activities = new RecordingEditActivities(frames: 12, chunkSize: 5);
        await using var host = Host(activities.Registry());
        var input = new EditOrchestrationInput("job3") { Pti = PtiDispatch.Queue, PtiTimeout = TimeSpan.FromMinutes(5) };

        await host.StartAsync(EditOrchestration.OrchestrationName, "job3", input);
        await UntilAsync(() => activities.Runs.Any(r => r.Name == EditActivities.EnqueuePti));
        // The enqueue activity has run; the status the host stores after it must show the wait for the worker.
        WorkflowStatus? waiting = null;
        for (int i = 0; i < 1500 && waiting?.ReadCustomStatus<EditStatus>()?.Stage != "pti"; i++)
        {
            await Task.Delay(20);
            waiting = await host.GetStatusAsync("job3");
        }
        await host.RaiseEventAsync("job3", EditOrchestration.PtiCompletedEvent,
            PtiCompletion.Succeeded(new PtiWorkItem("job3", "job3"), new PtiOutput("job3/pti/generator.pt", "job3/pti/summary.json", 20, 23, 42)));
        var status = await host.WaitForCompletionAsync("job3");

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal("pti", waiting?.ReadCustomStatus<EditStatus>()?.Stage);
        Assert.Equal(WorkflowRuntimeStatus.Running, waiting!.RuntimeStatus);
        Assert.DoesNotContain(activities.Runs, r => r.Name == EditActivities.TuneGenerator);
        var item = WorkflowLimits.Deserialize<PtiWorkItem>(activities.Runs.Single(r => r.Name == EditActivities.EnqueuePti).Input);
        Assert.Equal(new PtiWorkItem("job3", "job3"), item);
        var finish = WorkflowLimits.Deserialize<FinishInput>(activities.Runs.Single(r => r.Name == EditActivities.FinishJob).Input);
        Assert.Equal(42, finish.StageSeconds["pti"]);
    }

    [Fact]
    public async Task QueueDispatch_NoWorkerReply_FailsWithTheTimeout()
    {
        var activities = new RecordingEditActivities(frames: 12, chunkSize: 5);
        await using var host = Host(activities.Registry());
        var input = new EditOrchestrationInput("job4") { Pti = PtiDispatch.Queue, PtiTimeout = TimeSpan.FromMilliseconds(200) };

        await host.StartAsync(EditOrchestration.OrchestrationName, "job4", input);
        var status = await host.WaitForCompletionAsync("job4");

        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Equal("ServerlessStitch.Workflow.Edit.PtiFailedException: No GPU worker reported PTI for job 'job4' within 00:00:00.2000000: is a worker consuming the 'stitch-pti' queue?",
            status.FailureReason);
        Assert.DoesNotContain(activities.Runs, r => r.Name == EditActivities.StitchChunk);
    }

    [Fact]
    public async Task QueueDispatch_WorkerReportsFailure_FailsWithTheWorkersReason()
    {
        var activities = new RecordingEditActivities(frames: 12, chunkSize: 5);
        await using var host = Host(activities.Registry());
        await host.StartAsync(EditOrchestration.OrchestrationName, "job5", new EditOrchestrationInput("job5") { Pti = PtiDispatch.Queue });
        await UntilAsync(() => activities.Runs.Any(r => r.Name == EditActivities.EnqueuePti));

        await host.RaiseEventAsync("job5", EditOrchestration.PtiCompletedEvent, PtiCompletion.Failed(new PtiWorkItem("job5", "job5"), "PTI failed on all 3 attempts; the last: System.OutOfMemoryException: CUDA out of memory"));
        var status = await host.WaitForCompletionAsync("job5");

        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Equal("ServerlessStitch.Workflow.Edit.PtiFailedException: PTI for job 'job5' failed on the GPU worker: PTI failed on all 3 attempts; the last: System.OutOfMemoryException: CUDA out of memory",
            status.FailureReason);
        Assert.DoesNotContain(activities.Runs, r => r.Name == EditActivities.StitchChunk);
    }

    [Fact]
    public async Task StitchOnWorker_BatchesReported_CompletesWithTheWorkersSecondsAndNoStitchActivity()
    {
        var activities = new RecordingEditActivities(frames: 12, chunkSize: 5); // chunks 0, 5, 10
        await using var host = Host(activities.Registry());
        await host.StartAsync(EditOrchestration.OrchestrationName, "job6", new EditOrchestrationInput("job6") { Pti = PtiDispatch.Queue, StitchBatchChunks = 2 });
        await UntilAsync(() => activities.Runs.Any(r => r.Name == EditActivities.EnqueuePti));
        await host.RaiseEventAsync("job6", EditOrchestration.PtiCompletedEvent, PtiCompletion.Succeeded(new PtiWorkItem("job6", "job6"), new PtiOutput("g", "s", 20, 23, 1)));
        await UntilAsync(() => activities.Runs.Count(r => r.Name == EditActivities.EnqueueStitch) == 2);

        var batches = activities.Runs.Where(r => r.Name == EditActivities.EnqueueStitch).Select(r => WorkflowLimits.Deserialize<StitchWorkItem>(r.Input)).OrderBy(b => b.Batch).ToList();
        // Out of order, as two workers would report them.
        await host.RaiseEventAsync("job6", EditOrchestration.StitchCompletedEvent(1), StitchCompletion.Succeeded(batches[1], 2.5));
        await host.RaiseEventAsync("job6", EditOrchestration.StitchCompletedEvent(0), StitchCompletion.Succeeded(batches[0], 4));
        var status = await host.WaitForCompletionAsync("job6");

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal([[0, 5], [10]], batches.Select(b => b.Chunks.Select(c => c.Start).ToArray()));
        Assert.All(batches, b => Assert.Equal(("job6", "job6"), (b.InstanceId, b.JobId)));
        Assert.DoesNotContain(activities.Runs, r => r.Name == EditActivities.StitchChunk);
        var finish = WorkflowLimits.Deserialize<FinishInput>(activities.Runs.Single(r => r.Name == EditActivities.FinishJob).Input);
        Assert.Equal(6.5, finish.StageSeconds["stitch"]);
    }

    [Fact]
    public async Task StitchOnWorker_BatchFailed_FailsTheJobWithTheWorkersReason()
    {
        var activities = new RecordingEditActivities(frames: 12, chunkSize: 5);
        await using var host = Host(activities.Registry());
        await host.StartAsync(EditOrchestration.OrchestrationName, "job7", new EditOrchestrationInput("job7") { StitchBatchChunks = 3 });
        await UntilAsync(() => activities.Runs.Any(r => r.Name == EditActivities.EnqueueStitch));
        var batch = WorkflowLimits.Deserialize<StitchWorkItem>(activities.Runs.Single(r => r.Name == EditActivities.EnqueueStitch).Input);

        await host.RaiseEventAsync("job7", EditOrchestration.StitchCompletedEvent(0), StitchCompletion.Failed(batch, "stitching batch 0 failed on all 5 attempts"));
        var status = await host.WaitForCompletionAsync("job7");

        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Equal("ServerlessStitch.Workflow.Edit.PtiFailedException: Stitching batch 0 of job 'job7' failed on the GPU worker: stitching batch 0 failed on all 5 attempts", status.FailureReason);
        Assert.Contains(activities.Runs, r => r.Name == EditActivities.TuneGenerator); // PTI stayed in-process
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 1500 && !condition(); i++)
        {
            await Task.Delay(20);
        }
        Assert.True(condition());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
