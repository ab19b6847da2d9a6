using System.Diagnostics;
using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Workflow.Activities;

/// <summary>Probes the input (<c>video.json</c>) and returns the frame count and chunk size the fan-outs use.</summary>
public sealed class ProbeVideoActivity(JobResources resources) : EditActivity<JobInput, VideoPlan>(resources)
{
    public override string Name => EditActivities.ProbeVideo;
    public override string Stage => "probe";

    protected override async Task<(VideoPlan, int)> RunAsync(JobInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var job = await Resources.OpenAsync(input.JobId, cancellationToken).ConfigureAwait(false);
        var video = await new SourceStage(job.Blobs, job.Workspace, Resources.Limits).ProbeAsync(cancellationToken).ConfigureAwait(false);
        // Refuse bad preview frames now, before hours of work, not in the final fan-in.
        PreviewFrameChoice.For(job.Request, video.FrameCount);
        return (new VideoPlan(video.FrameCount, job.Request.ChunkSize, Seconds(clock)), 0);
    }
}

/// <summary>Decodes one chunk of the input to a lossless frame chunk (<c>frames/NNNNNN.chunk</c>).</summary>
public sealed class DecodeChunkActivity(JobResources resources) : EditActivity<ChunkInput, BlobOutput>(resources)
{
    public override string Name => EditActivities.DecodeChunk;
    public override string Stage => "decode";

    protected override async Task<(BlobOutput, int)> RunAsync(ChunkInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var job = await Resources.OpenAsync(input.JobId, cancellationToken).ConfigureAwait(false);
        var source = new SourceStage(job.Blobs, job.Workspace, Resources.Limits);
        var video = await source.ProbeAsync(cancellationToken).ConfigureAwait(false);
        await source.DecodeChunkAsync(video, new FrameRange(input.Start, input.Start + input.Count), cancellationToken).ConfigureAwait(false);
        return (new BlobOutput(job.Blobs.Paths.Frames(input.Start), Seconds(clock)), input.Count);
    }
}
