using System.Diagnostics;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Workflow.Activities;

/// <summary>PTI in this process (the fan-in): one generator tuned on all frames → <c>pti/generator.pt</c> and <c>pti/summary.json</c>.</summary>
public sealed class TuneGeneratorActivity(JobResources resources) : EditActivity<JobInput, PtiOutput>(resources)
{
    public override string Name => EditActivities.TuneGenerator;
    public override string Stage => "pti";

    protected override async Task<(PtiOutput, int)> RunAsync(JobInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var job = await Resources.OpenAsync(input.JobId, cancellationToken).ConfigureAwait(false);
        var chunks = await job.ChunksAsync(cancellationToken).ConfigureAwait(false);
        var summary = await new PtiStage(job.Blobs, Resources.Catalog, job.Request).TuneAsync(chunks, null, cancellationToken).ConfigureAwait(false);
        var paths = job.Blobs.Paths;
        return (new PtiOutput(paths.PtiGenerator, paths.PtiSummary, summary.PsnrEncoder, summary.PsnrTuned, Seconds(clock)), summary.Frames);
    }
}

/// <summary>
/// Hands PTI to a GPU worker: writes a <see cref="PtiWorkItem"/> to <c>stitch-work/pti/{jobId}.json</c>; the worker
/// raises <see cref="EditOrchestration.PtiCompletedEvent"/> on the instance when done. A later issue swaps the blob
/// for a storage queue message (the Container Apps job's scale rule); the orchestration does not change.
/// </summary>
public sealed class EnqueuePtiActivity(JobResources resources) : EditActivity<PtiWorkItem, BlobOutput>(resources)
{
    public const string Container = "stitch-work";

    public override string Name => EditActivities.EnqueuePti;
    public override string Stage => "pti";

    public static string WorkItemName(string jobId) => $"pti/{jobId}.json";

    protected override async Task<(BlobOutput, int)> RunAsync(PtiWorkItem input, Stopwatch clock, CancellationToken cancellationToken)
    {
        await Resources.Store.CreateContainerIfNotExistsAsync(Container, cancellationToken).ConfigureAwait(false);
        string name = WorkItemName(input.JobId);
        await Resources.Store.WriteJsonAsync(Container, name, input, WorkflowLimits.Json, null, cancellationToken).ConfigureAwait(false);
        return (new BlobOutput(name, Seconds(clock)), 0);
    }
}

/// <summary>Edit, stitching tuning and paste of one chunk (<c>stitched/NNNNNN.chunk</c> and <c>.json</c>) with the job's PTI generator.</summary>
public sealed class StitchChunkActivity(JobResources resources) : EditActivity<ChunkInput, BlobOutput>(resources)
{
    public override string Name => EditActivities.StitchChunk;
    public override string Stage => "stitch";

    protected override async Task<(BlobOutput, int)> RunAsync(ChunkInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var job = await Resources.OpenAsync(input.JobId, cancellationToken).ConfigureAwait(false);
        var video = await job.VideoAsync(cancellationToken).ConfigureAwait(false);
        var track = await DetectLandmarksActivity.AlignStageOf(Resources, job).ReadTrackAsync(cancellationToken).ConfigureAwait(false);
        var generator = await job.GeneratorAsync(cancellationToken).ConfigureAwait(false);
        await new StitchStage(job.Blobs, Resources.Catalog, job.Request, job.Editor).StitchChunkAsync(DetectLandmarksActivity.Range(input), track, generator,
            PreviewFrameChoice.For(job.Request, video.FrameCount), video.FrameCount, null, cancellationToken).ConfigureAwait(false);
        return (new BlobOutput(job.Blobs.Paths.Stitched(input.Start), Seconds(clock)), input.Count);
    }
}

/// <summary>The final fan-in: <c>output.mp4</c>, <c>compare.mp4</c>, <c>preview.png</c>, <c>report.json</c> (with the stage seconds).</summary>
public sealed class FinishJobActivity(JobResources resources) : EditActivity<FinishInput, EditOutput>(resources)
{
    public override string Name => EditActivities.FinishJob;
    public override string Stage => "encode";

    protected override async Task<(EditOutput, int)> RunAsync(FinishInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var job = await Resources.OpenAsync(input.JobId, cancellationToken).ConfigureAwait(false);
        var blobs = job.Blobs;
        var video = await job.VideoAsync(cancellationToken).ConfigureAwait(false);
        var chunks = await job.ChunksAsync(cancellationToken).ConfigureAwait(false);
        var pti = await blobs.ReadJsonAsync<PtiSummary>(blobs.Paths.PtiSummary, cancellationToken).ConfigureAwait(false);
        await new FinishStage(blobs, job.Workspace, job.Request, job.Editor).FinishAsync(video, chunks, pti, PreviewFrameChoice.For(job.Request, video.FrameCount),
            () => new Dictionary<string, double>(input.StageSeconds, StringComparer.Ordinal) { ["encode"] = Math.Round(clock.Elapsed.TotalSeconds, 2) },
            cancellationToken).ConfigureAwait(false);
        Resources.Release(input.JobId);
        var paths = blobs.Paths;
        return (new EditOutput(input.JobId, paths.Output, paths.Compare, paths.Preview, paths.Report), video.FrameCount);
    }
}
