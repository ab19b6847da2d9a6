using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// The final fan-in: <c>output.mp4</c> (input's frame count, rate, size and audio), <c>compare.mp4</c>
/// (original | edited), <c>preview.png</c> (stage strips) and <c>report.json</c>, which is written last.
/// Frames stream chunk by chunk from the blobs, so memory does not grow with the video's length.
/// </summary>
public sealed class FinishStage(JobBlobs blobs, JobWorkspace workspace, EditRequest request, LatentEditor editor)
{
    /// <summary>Preview crops are enlarged (nearest) to at least this many pixels so a 64-pixel demo crop is visible.</summary>
    private const int PreviewMinimumSide = 192;

    public async Task<JobReport> FinishAsync(VideoInfo video, IReadOnlyList<FrameRange> chunks, PtiSummary pti,
        IReadOnlyList<int> previewFrames, Func<IReadOnlyDictionary<string, double>> stageSeconds, CancellationToken cancellationToken)
    {
        if (await blobs.ExistsAsync(blobs.Paths.Report, cancellationToken).ConfigureAwait(false))
        {
            return await blobs.ReadJsonAsync<JobReport>(blobs.Paths.Report, cancellationToken).ConfigureAwait(false);
        }
        var local = video with { Path = await workspace.InputFileAsync(blobs, cancellationToken).ConfigureAwait(false) };
        await EncodeAsync(blobs.Paths.Output, local, chunks, cancellationToken).ConfigureAwait(false);
        await CompareAsync(local, chunks, cancellationToken).ConfigureAwait(false);
        await PreviewAsync(previewFrames, cancellationToken).ConfigureAwait(false);

        var figures = new List<StitchFigures>();
        foreach (var range in chunks)
        {
            figures.Add(await blobs.ReadJsonAsync<StitchFigures>(blobs.Paths.StitchFigures(range.Start), cancellationToken).ConfigureAwait(false));
        }
        var report = JobReport.Create(blobs.Paths.JobId, request, editor, video, pti, figures, stageSeconds(),
            [blobs.Paths.Output, blobs.Paths.Compare, blobs.Paths.Preview, blobs.Paths.Report]);
        await blobs.WriteJsonAsync(blobs.Paths.Report, report, cancellationToken).ConfigureAwait(false);
        return report;
    }

    private async Task EncodeAsync(string blobName, VideoInfo local, IReadOnlyList<FrameRange> chunks, CancellationToken cancellationToken)
    {
        string file = workspace.PathOf("output.mp4");
        await new VideoEncoder().EncodeAsync(EncodeRequest.Matching(local, file), Frames(chunks, blobs.Paths.Stitched, cancellationToken), cancellationToken).ConfigureAwait(false);
        await blobs.WriteFileAsync(blobName, file, "video/mp4", cancellationToken).ConfigureAwait(false);
    }

    private async Task CompareAsync(VideoInfo local, IReadOnlyList<FrameRange> chunks, CancellationToken cancellationToken)
    {
        string file = workspace.PathOf("compare.mp4");
        await new SideBySideEncoder(new VideoEncoder()).EncodeAsync(EncodeRequest.Matching(local, file),
            Frames(chunks, blobs.Paths.Frames, cancellationToken), Frames(chunks, blobs.Paths.Stitched, cancellationToken), cancellationToken).ConfigureAwait(false);
        await blobs.WriteFileAsync(blobs.Paths.Compare, file, "video/mp4", cancellationToken).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<Frame> Frames(IReadOnlyList<FrameRange> chunks, Func<int, string> name,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var range in chunks)
        {
            foreach (var frame in await blobs.ReadFramesAsync(name(range.Start), cancellationToken).ConfigureAwait(false))
            {
                yield return frame;
            }
        }
    }

    /// <summary>One row per preview frame: aligned crop | encoder inversion | + PTI | + edit | + stitching tuning.</summary>
    private async Task PreviewAsync(IReadOnlyList<int> previewFrames, CancellationToken cancellationToken)
    {
        var rows = new List<Frame>();
        foreach (int frame in previewFrames)
        {
            var strip = await blobs.ReadFramesAsync(blobs.Paths.PreviewStrip(frame), cancellationToken).ConfigureAwait(false);
            rows.Add(FrameComposer.Row(Enlarge(strip)));
        }
        using var png = new MemoryStream();
        PngWriter.Write(png, FrameComposer.Column(rows));
        await blobs.WriteBytesAsync(blobs.Paths.Preview, png.ToArray(), "image/png", cancellationToken).ConfigureAwait(false);
    }

    private static IReadOnlyList<Frame> Enlarge(IReadOnlyList<Frame> crops)
    {
        int factor = Math.Max(1, (int)Math.Ceiling(PreviewMinimumSide / (double)crops[0].Height));
        if (factor == 1)
        {
            return crops;
        }
        using var scope = NewDisposeScope();
        var large = F.interpolate(CropImages.FromFrames(crops), scale_factor: [factor, factor], mode: InterpolationMode.Nearest);
        return CropImages.ToFrames(large, crops[0].Index);
    }
}
