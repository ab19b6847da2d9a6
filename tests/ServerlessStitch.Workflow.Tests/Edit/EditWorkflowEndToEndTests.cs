using System.Buffers.Binary;
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
        var compare = await new VideoProbe().ProbeAsync(await run.DownloadAsync(run.Paths.Compare));

        Assert.Equal(WorkflowRuntimeStatus.Completed, run.Status.RuntimeStatus);
        Assert.Equal(new EditOutput(run.JobId, run.Paths.Output, run.Paths.Compare, run.Paths.Preview, run.Paths.Report), run.Status.ReadOutput<EditOutput>());
        Assert.Equal((EditWorkflowFixture.Frames, input.FrameRate, input.Width, input.Height), (edited.FrameCount, edited.FrameRate, edited.Width, edited.Height));
        Assert.True(edited.HasAudio);
        Assert.Equal((EditWorkflowFixture.Frames, 2 * input.Width, input.Height), (compare.FrameCount, compare.Width, compare.Height));
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
        // The input's own crop, pasted alike, beats the untuned edit: the floor lies between 0 and the plain paste.
        Assert.InRange(report.Boundary.Floor, 0.5, report.Boundary.Plain);
        Assert.InRange(report.Boundary.FloorGapRemoved, report.Boundary.Reduction, 1.0);
        Assert.Equal(("smile", run.Catalog.Manifest.Direction("smile").DefaultStep), (report.Edits.Single().Name, report.Edits.Single().Step));
        Assert.InRange(report.Edit.IdentityCosineMean, 0.5, 1.0);
        Assert.InRange(report.TemporalIdentity.Local, 0.98, 1.02);
        Assert.True(report.Edit.AttributeChange.ContainsKey("smile"));
    }

    [Fact]
    public async Task StitchedFrames_OutsideEveryFaceQuad_AreTheInputPixelsExactly()
    {
        var blobs = new JobBlobs(run.Store, run.Paths);
        var quads = (await blobs.ReadJsonAsync<AlignmentRecord>(run.Paths.Alignment, default)).ToQuads();
        int changedInside = 0;
        foreach (var range in FrameRange.Split(EditWorkflowFixture.Frames, EditWorkflowFixture.Request.ChunkSize))
        {
            var input = await blobs.ReadFramesAsync(run.Paths.Frames(range.Start), default);
            var stitched = await blobs.ReadFramesAsync(run.Paths.Stitched(range.Start), default);
            Assert.Equal(range.Count, stitched.Count);
            for (int i = 0; i < range.Count; i++)
            {
                var corners = quads[range.Start + i].Corners();
                double x0 = corners.Min(p => p.X) - 1, x1 = corners.Max(p => p.X) + 1, y0 = corners.Min(p => p.Y) - 1, y1 = corners.Max(p => p.Y) + 1;
                Frame a = input[i], b = stitched[i];
                for (int y = 0; y < a.Height; y++)
                {
                    for (int x = 0; x < a.Width; x++)
                    {
                        int at = (y * a.Stride) + (x * 3);
                        bool same = a.Pixels.AsSpan(at, 3).SequenceEqual(b.Pixels.AsSpan(at, 3));
                        if (x < x0 || x > x1 || y < y0 || y > y1)
                        {
                            Assert.True(same, $"frame {range.Start + i}: pixel ({x}, {y}) outside the face quad changed");
                        }
                        else if (!same)
                        {
                            changedInside++;
                        }
                    }
                }
            }
        }
        output.WriteLine($"pixels changed inside the quads: {changedInside}");
        Assert.True(changedInside > 1000, "the edit changed almost nothing");
    }

    [Fact]
    public async Task Preview_IsOneStageStripPerPreviewFrame()
    {
        byte[] png = await run.Store.ReadBytesAsync(JobPaths.Container, run.Paths.Preview);
        int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        int side = height / 3;

        Assert.Equal((5 * side, 3 * side), (width, height)); // first, middle and last frame × (crop, inversion, PTI, edit, stitched)
        Assert.True(side >= 192);
    }

    [Fact]
    public async Task Rerun_AsANewInstanceOfTheSameJob_ReusesEveryStageOutputAndRewritesNoJobBlob()
    {
        var before = await SnapshotAsync();
        using var resources = new Activities.JobResources(run.Store, run.Catalog);
        await using var host = new LocalWorkflowHost(run.Store, new WorkflowRegistry().AddEditWorkflow(resources));
        var first = (await host.GetStatusAsync(run.JobId))!;

        Assert.False(await host.StartAsync(EditOrchestration.OrchestrationName, run.JobId, new EditOrchestrationInput(run.JobId)));
        Assert.Equal(first.LastUpdatedTime, (await host.GetStatusAsync(run.JobId))!.LastUpdatedTime);
        // A second instance over the same job (as after a purge): every activity runs and finds its output there.
        await host.StartAsync(EditOrchestration.OrchestrationName, "again-" + run.JobId, new EditOrchestrationInput(run.JobId));
        var again = await host.WaitForCompletionAsync("again-" + run.JobId);

        Assert.Equal(WorkflowRuntimeStatus.Completed, again.RuntimeStatus);
        Assert.Equal(run.Status.Output!.Value.GetRawText(), again.Output!.Value.GetRawText());
        Assert.Equal(before, await SnapshotAsync());
    }

    private async Task<List<(string, string)>> SnapshotAsync()
    {
        var blobs = new List<(string, string)>();
        await foreach (var blob in run.Store.ListAsync(JobPaths.Container, run.Paths.Prefix))
        {
            blobs.Add((blob.Name, blob.ETag));
        }
        return blobs;
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
        Assert.Equal(1 + (5 * 3) + 1 + 1 + 1 + 1, blobs.Count(b => b.Name.StartsWith($"history/{run.JobId}/", StringComparison.Ordinal)));
        Assert.All(attempts.GroupBy(a => a.Key), g => Assert.Single(g));
        Assert.Equal(run.LiveCalls.Count, attempts.Count);
    }

    [Fact]
    public void Telemetry_OfTheRealRun_HasSpansWithJobStageAndChunkTagsAndMetrics()
    {
        // The fixture's execution and the activity spans under it (its trace): other runs of the same job have their own.
        var root = run.Spans.Single(s => s.GetTagItem("stitch.instance_id") as string == run.JobId);
        var spans = run.Spans.Where(s => s.TraceId == root.TraceId).ToList();
        var stitch = spans.Where(s => s.GetTagItem(WorkflowTelemetry.ActivityTag) as string == EditActivities.StitchChunk).ToList();
        var frames = run.Measurements.Where(m => m.Instrument == "stitch.frames.processed" && m.Stage == "stitch").Sum(m => m.Value);

        Assert.Equal(($"orchestration {EditOrchestration.OrchestrationName}", run.JobId), (root.OperationName, root.GetTagItem(WorkflowTelemetry.JobIdTag)));
        Assert.All(spans.Where(s => s != root), s => Assert.Equal(run.JobId, s.GetTagItem(WorkflowTelemetry.JobIdTag)));
        Assert.Equal(run.LiveCalls.Count, spans.Count(s => s.OperationName.StartsWith("activity ", StringComparison.Ordinal)));
        Assert.Equal([0, 5, 10], stitch.Select(s => (int)s.GetTagItem(WorkflowTelemetry.ChunkTag)!).Order());
        Assert.All(stitch, s => Assert.Equal("stitch", s.GetTagItem(WorkflowTelemetry.StageTag)));
        Assert.True(frames >= EditWorkflowFixture.Frames, $"stitch frames counted: {frames}");
        Assert.Contains(run.Measurements, m => m.Instrument == "stitch.stage.duration" && m.Stage == "pti" && m.Value > 0);
    }
}
