using System.Diagnostics;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage.Queues;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Workflow.Activities;

/// <summary>PTI in this process (the fan-in): one generator tuned on all frames → <c>pti/generator.pt</c> and <c>pti/summary.json</c>.</summary>
public sealed class TuneGeneratorActivity(JobResources resources) : EditActivity<JobInput, PtiOutput>(resources)
{
    public override string Name => EditActivities.TuneGenerator;
    public override string Stage => "pti";

    /// <summary>
    /// Runs (or, when <c>pti/summary.json</c> exists, only reads) the job's PTI, the GPU worker's entry point too.
    /// Cancelling stops between Adam steps; the last checkpoint stays in the job's blobs.
    /// </summary>
    public static async Task<(PtiOutput Output, PtiSummary Summary)> TuneAsync(JobResources resources, string jobId, IProgress<StageProgress>? progress,
        CancellationToken cancellationToken = default)
    {
        Check.NotNull(resources);
        var clock = Stopwatch.StartNew();
        var job = await resources.OpenAsync(jobId, cancellationToken).ConfigureAwait(false);
        var chunks = await job.ChunksAsync(cancellationToken).ConfigureAwait(false);
        var summary = await new PtiStage(job.Blobs, resources.Catalog, job.Request).TuneAsync(chunks, progress, cancellationToken).ConfigureAwait(false);
        var paths = job.Blobs.Paths;
        return (new PtiOutput(paths.PtiGenerator, paths.PtiSummary, summary.PsnrEncoder, summary.PsnrTuned, Seconds(clock)), summary);
    }

    protected override async Task<(PtiOutput, int)> RunAsync(JobInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var (output, summary) = await TuneAsync(Resources, input.JobId, null, cancellationToken).ConfigureAwait(false);
        return (output, summary.Frames);
    }
}

/// <summary>
/// Sends a work item on <see cref="PtiQueues.Work"/> for a GPU worker, whose report comes back as an event. Sending
/// twice (a retried activity) is harmless: the worker skips work whose output is already in the job's blobs and
/// only reports again.
/// </summary>
public abstract class WorkerDispatchActivity<TItem>(JobResources resources, IMessageQueue? workQueue) : EditActivity<TItem, BlobOutput>(resources)
    where TItem : WorkerItem
{
    /// <summary>What is dispatched, for the error when this host has no queue.</summary>
    protected abstract string Work { get; }

    protected abstract string ToMessage(TItem item);

    protected override async Task<(BlobOutput, int)> RunAsync(TItem input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var queue = workQueue ?? throw new InvalidOperationException(
            $"Job '{input.JobId}' sends {Work} to a GPU worker, but this host has no '{PtiQueues.Work}' queue configured.");
        await queue.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        string id = await queue.SendAsync(ToMessage(input), null, cancellationToken).ConfigureAwait(false);
        return (new BlobOutput($"{queue.Name}/{id}", Seconds(clock)), 0);
    }
}

/// <summary>Hands PTI to a GPU worker: its <see cref="PtiCompletion"/> comes back as <see cref="EditOrchestration.PtiCompletedEvent"/>.</summary>
public sealed class EnqueuePtiActivity(JobResources resources, IMessageQueue? workQueue) : WorkerDispatchActivity<PtiWorkItem>(resources, workQueue)
{
    public override string Name => EditActivities.EnqueuePti;
    public override string Stage => "pti";
    protected override string Work => "PTI";

    protected override string ToMessage(PtiWorkItem item) => PtiMessages.ToJson(item);
}

/// <summary>
/// Hands one batch of stitching chunks to a GPU worker: its <see cref="StitchCompletion"/> comes back as
/// <see cref="EditOrchestration.StitchCompletedEvent"/>.
/// </summary>
public sealed class EnqueueStitchActivity(JobResources resources, IMessageQueue? workQueue) : WorkerDispatchActivity<StitchWorkItem>(resources, workQueue)
{
    public override string Name => EditActivities.EnqueueStitch;
    public override string Stage => "stitch";
    protected override string Work => "stitching";

    protected override string ToMessage(StitchWorkItem item) => PtiMessages.ToJson(item);
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
        await new StitchStage(job.Blobs, Resources.Catalog, job.Request, job.Editor, Resources.ChunkThreads).StitchChunkAsync(DetectLandmarksActivity.Range(input), track, generator,
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
