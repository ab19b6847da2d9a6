using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Workflow.Tests.Edit;

public sealed class EditWorkflowEndToEndTests(EditWorkflowFixture run, ITestOutputHelper output) : IClassFixture<EditWorkflowFixture>
{
    [Fact]
    public async Task Run_TwelveFrameClip_CompletesWithTwelveFrameOutputKeepingRateSizeAndAudio()
    {
        output.WriteLine($"edit orchestration on the host: {run.Elapsed.TotalSeconds:F1} s");
        var input = await new VideoProbe().ProbeAsync(run.Input);
        var edited = await new VideoProbe().ProbeAsync(await run.DownloadAsync(run.Paths.Output));

        Assert.Equal(WorkflowRuntimeStatus.Completed, run.Status.RuntimeStatus);
        Assert.Equal(new EditOutput(run.JobId, run.Paths.Output, run.Paths.Compare, run.Paths.Preview, run.Paths.Report), run.Status.ReadOutput<EditOutput>());
        Assert.Equal((EditWorkflowFixture.Frames, input.FrameRate, input.Width, input.Height), (edited.FrameCount, edited.FrameRate, edited.Width, edited.Height));
        Assert.True(edited.HasAudio);
        Assert.Equal(new EditStatus("done", 1, 1), run.Status.ReadCustomStatus<EditStatus>());
    }

    [Fact]
    public async Task Report_HasEveryStageAndTheMethodsGains()
    {
        var report = await run.Store.ReadJsonAsync<JobReport>(JobPaths.Container, run.Paths.Report, JobBlobs.Json);

        Assert.Equal(["probe", "decode", "align", "invert", "pti", "stitch", "encode"], report.StageSeconds.Keys);
        Assert.All(report.StageSeconds.Values, s => Assert.True(s > 0));
        Assert.Equal(EditWorkflowFixture.Frames * 6, report.Inversion.Steps);
        Assert.True(report.Inversion.PsnrTuned > report.Inversion.PsnrEncoder, "PTI did not improve the reconstruction");
        Assert.True(report.Boundary.Tuned < report.Boundary.Plain, "stitching tuning did not lower the boundary error");
    }

    [Fact]
    public async Task Replay_OfTheRealRun_IssuesTheLiveCallsInTheSameOrderAndRunsNothing()
    {
        await using var host = run.ReplayHost();

        var (calls, replayOutput) = await host.ReplayAsync(run.JobId);

        Assert.Equal(run.LiveCalls.Select(c => c.Key), calls.Select(c => c.Key));
        Assert.All(calls, c => Assert.True(c.Replayed));
        Assert.Equal(run.Status.Output!.Value.GetRawText(), replayOutput);
    }

    [Fact]
    public async Task History_OfTheRealRun_HoldsEachActivityOnceAndEveryPayloadUnderSixteenKilobytes()
    {
        var blobs = new List<BlobProperties>();
        await foreach (var blob in run.Store.ListAsync("stitch-workflow"))
        {
            blobs.Add(blob);
        }
        await using var host = run.ReplayHost();
        var attempts = await host.GetAttemptsAsync(run.JobId);
        output.WriteLine($"largest stored record: {blobs.Max(b => b.Length)} bytes ({blobs.MaxBy(b => b.Length)!.Name})");

        Assert.All(blobs, b => Assert.True(b.Length < WorkflowLimits.MaxPayloadBytes, $"{b.Name} is {b.Length} bytes"));
        Assert.Equal(1 + (5 * 3) + 1 + 1 + 1, blobs.Count(b => b.Name.StartsWith($"history/{run.JobId}/", StringComparison.Ordinal)));
        Assert.All(attempts.GroupBy(a => a.Key), g => Assert.Single(g));
        Assert.Equal(run.LiveCalls.Count, attempts.Count);
    }

    [Fact]
    public void Telemetry_OfTheRealRun_HasSpansWithJobStageAndChunkTagsAndMetrics()
    {
        var spans = run.Spans.Where(s => s.GetTagItem(WorkflowTelemetry.JobIdTag) as string == run.JobId).ToList();
        var stitch = spans.Where(s => s.GetTagItem(WorkflowTelemetry.ActivityTag) as string == EditActivities.StitchChunk).ToList();
        var frames = run.Measurements.Where(m => m.Instrument == "stitch.frames.processed" && m.Stage == "stitch").Sum(m => m.Value);

        Assert.Single(spans, s => s.OperationName == $"orchestration {EditOrchestration.OrchestrationName}");
        Assert.Equal(run.LiveCalls.Count, spans.Count(s => s.OperationName.StartsWith("activity ", StringComparison.Ordinal)));
        Assert.Equal([0, 5, 10], stitch.Select(s => (int)s.GetTagItem(WorkflowTelemetry.ChunkTag)!).Order());
        Assert.All(stitch, s => Assert.Equal("stitch", s.GetTagItem(WorkflowTelemetry.StageTag)));
        Assert.True(frames >= EditWorkflowFixture.Frames, $"stitch frames counted: {frames}");
        Assert.Contains(run.Measurements, m => m.Instrument == "stitch.stage.duration" && m.Stage == "pti" && m.Value > 0);
    }
}
