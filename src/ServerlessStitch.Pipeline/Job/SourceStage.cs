using ServerlessStitch.Media;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// Probe and decode: the job's input blob → <c>video.json</c> and one lossless frame chunk per frame range.
/// ffmpeg reads local files, so the input blob is copied once into the job's work folder.
/// </summary>
public sealed class SourceStage(JobBlobs blobs, JobWorkspace workspace, MediaLimits limits)
{
    public async Task<VideoInfo> ProbeAsync(CancellationToken cancellationToken)
    {
        string local = await workspace.InputFileAsync(blobs, cancellationToken).ConfigureAwait(false);
        if (await blobs.ExistsAsync(blobs.Paths.Video, cancellationToken).ConfigureAwait(false))
        {
            var stored = await blobs.ReadJsonAsync<VideoInfo>(blobs.Paths.Video, cancellationToken).ConfigureAwait(false);
            return stored with { Path = local };
        }
        var video = await new VideoProbe(limits).ProbeAsync(local, cancellationToken).ConfigureAwait(false);
        // The record names the blob, not this machine's temporary copy.
        await blobs.WriteJsonAsync(blobs.Paths.Video, video with { Path = blobs.Paths.Input }, cancellationToken).ConfigureAwait(false);
        return video;
    }

    public async Task DecodeChunkAsync(VideoInfo video, FrameRange range, CancellationToken cancellationToken)
    {
        string name = blobs.Paths.Frames(range.Start);
        if (await blobs.ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        var local = video with { Path = await workspace.InputFileAsync(blobs, cancellationToken).ConfigureAwait(false) };
        var frames = new List<Frame>(range.Count);
        await foreach (var frame in new VideoDecoder().DecodeAsync(local, range, cancellationToken).ConfigureAwait(false))
        {
            frames.Add(frame);
        }
        await blobs.WriteFramesAsync(name, frames, cancellationToken).ConfigureAwait(false);
    }
}
