using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// Alignment as three steps the workflow can fan out and in: landmarks per chunk → one smoothed face
/// track for the whole video (<c>alignment.json</c>) → aligned crops per chunk, stored as RGB frame chunks.
/// </summary>
public sealed class AlignStage(JobBlobs blobs, ModelCatalog catalog, AlignmentOptions options)
{
    private readonly LandmarkLayout _layout = LandmarkLayout.From(catalog.Manifest.Models.Landmarks);

    public AlignmentOptions Options => options;

    public async Task DetectChunkAsync(FrameRange range, CancellationToken cancellationToken)
    {
        string name = blobs.Paths.Landmarks(range.Start);
        if (await blobs.ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        var frames = await blobs.ReadFramesAsync(blobs.Paths.Frames(range.Start), cancellationToken).ConfigureAwait(false);
        var detector = new LandmarkDetector(catalog.Get(catalog.Manifest.Models.Landmarks), _layout);
        await blobs.WriteJsonAsync(name, detector.Detect(frames), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The fan-in: every chunk's landmarks → missing faces filled → smoothed quads for all frames.</summary>
    /// <exception cref="NoFaceFoundException">No frame of the video has a face.</exception>
    public async Task<IReadOnlyList<FaceQuad>> BuildTrackAsync(IReadOnlyList<FrameRange> chunks, CancellationToken cancellationToken)
    {
        if (await blobs.ExistsAsync(blobs.Paths.Alignment, cancellationToken).ConfigureAwait(false))
        {
            return await ReadTrackAsync(cancellationToken).ConfigureAwait(false);
        }
        var detections = new List<float[]>();
        foreach (var range in chunks)
        {
            detections.AddRange(await blobs.ReadJsonAsync<float[][]>(blobs.Paths.Landmarks(range.Start), cancellationToken).ConfigureAwait(false));
        }
        var quads = new FaceTrack(options, _layout).Build(detections);
        await blobs.WriteJsonAsync(blobs.Paths.Alignment, AlignmentRecord.From(options, quads), cancellationToken).ConfigureAwait(false);
        return quads;
    }

    public async Task<IReadOnlyList<FaceQuad>> ReadTrackAsync(CancellationToken cancellationToken) =>
        (await blobs.ReadJsonAsync<AlignmentRecord>(blobs.Paths.Alignment, cancellationToken).ConfigureAwait(false)).ToQuads();

    public async Task AlignChunkAsync(FrameRange range, IReadOnlyList<FaceQuad> track, CancellationToken cancellationToken)
    {
        string name = blobs.Paths.Aligned(range.Start);
        if (await blobs.ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        var frames = await blobs.ReadFramesAsync(blobs.Paths.Frames(range.Start), cancellationToken).ConfigureAwait(false);
        using (var crops = new CropWarper(options.Resolution).Warp(frames, [.. track.Skip(range.Start).Take(range.Count)]))
        {
            frames = CropImages.ToFrames(crops, range.Start);
        }
        await blobs.WriteFramesAsync(name, frames, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Aligned crops of a chunk as float32 [N, 3, R, R] in [-1, 1].</summary>
    public async Task<Tensor> ReadCropsAsync(FrameRange range, CancellationToken cancellationToken) =>
        CropImages.FromFrames(await blobs.ReadFramesAsync(blobs.Paths.Aligned(range.Start), cancellationToken).ConfigureAwait(false));
}
