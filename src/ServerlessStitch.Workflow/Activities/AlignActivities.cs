using System.Diagnostics;
using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Workflow.Activities;

/// <summary>Landmarks of one chunk's frames (<c>landmarks/NNNNNN.json</c>).</summary>
public sealed class DetectLandmarksActivity(JobResources resources) : EditActivity<ChunkInput, BlobOutput>(resources)
{
    public override string Name => EditActivities.DetectLandmarks;
    public override string Stage => "align";

    protected override async Task<(BlobOutput, int)> RunAsync(ChunkInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var job = await Resources.OpenAsync(input.JobId, cancellationToken).ConfigureAwait(false);
        await AlignStageOf(Resources, job).DetectChunkAsync(Range(input), cancellationToken).ConfigureAwait(false);
        return (new BlobOutput(job.Blobs.Paths.Landmarks(input.Start), Seconds(clock)), input.Count);
    }

    internal static AlignStage AlignStageOf(JobResources resources, JobSession job) =>
        new(job.Blobs, resources.Catalog, AlignmentOptions.For(resources.Catalog.Manifest) with
        {
            CentreSigma = job.Request.CentreSigma,
            AxesSigma = job.Request.AxesSigma,
        });

    internal static FrameRange Range(ChunkInput input) => new(input.Start, input.Start + input.Count);
}

/// <summary>The fan-in of alignment: every chunk's landmarks → the smoothed face track (<c>alignment.json</c>).</summary>
public sealed class BuildFaceTrackActivity(JobResources resources) : EditActivity<JobInput, BlobOutput>(resources)
{
    public override string Name => EditActivities.BuildFaceTrack;
    public override string Stage => "align";

    protected override async Task<(BlobOutput, int)> RunAsync(JobInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var job = await Resources.OpenAsync(input.JobId, cancellationToken).ConfigureAwait(false);
        var chunks = await job.ChunksAsync(cancellationToken).ConfigureAwait(false);
        await DetectLandmarksActivity.AlignStageOf(Resources, job).BuildTrackAsync(chunks, cancellationToken).ConfigureAwait(false);
        return (new BlobOutput(job.Blobs.Paths.Alignment, Seconds(clock)), 0);
    }
}

/// <summary>Aligned crops of one chunk (<c>aligned/NNNNNN.chunk</c>), warped with the smoothed quads.</summary>
public sealed class AlignChunkActivity(JobResources resources) : EditActivity<ChunkInput, BlobOutput>(resources)
{
    public override string Name => EditActivities.AlignChunk;
    public override string Stage => "align";

    protected override async Task<(BlobOutput, int)> RunAsync(ChunkInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var job = await Resources.OpenAsync(input.JobId, cancellationToken).ConfigureAwait(false);
        var stage = DetectLandmarksActivity.AlignStageOf(Resources, job);
        var track = await stage.ReadTrackAsync(cancellationToken).ConfigureAwait(false);
        await stage.AlignChunkAsync(DetectLandmarksActivity.Range(input), track, cancellationToken).ConfigureAwait(false);
        return (new BlobOutput(job.Blobs.Paths.Aligned(input.Start), Seconds(clock)), input.Count);
    }
}

/// <summary>The pivots of one chunk (<c>latents/NNNNNN.npy</c>): the encoder (or the optimisation ablation) on its crops.</summary>
public sealed class InvertChunkActivity(JobResources resources) : EditActivity<ChunkInput, BlobOutput>(resources)
{
    public override string Name => EditActivities.InvertChunk;
    public override string Stage => "invert";

    protected override async Task<(BlobOutput, int)> RunAsync(ChunkInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var job = await Resources.OpenAsync(input.JobId, cancellationToken).ConfigureAwait(false);
        await new InversionStage(job.Blobs, Resources.Catalog, job.Request)
            .InvertChunkAsync(DetectLandmarksActivity.Range(input), null, cancellationToken).ConfigureAwait(false);
        return (new BlobOutput(job.Blobs.Paths.Pivots(input.Start), Seconds(clock)), input.Count);
    }
}
