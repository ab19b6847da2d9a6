using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Inversion;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>Pivots per chunk (fan-out): aligned crops → W+ codes <c>latents/NNNNNN.npy</c> [n, L, D].</summary>
public sealed class InversionStage(JobBlobs blobs, ModelCatalog catalog, EditRequest request)
{
    public async Task InvertChunkAsync(FrameRange range, IProgress<StageProgress>? progress, CancellationToken cancellationToken)
    {
        string name = blobs.Paths.Pivots(range.Start);
        if (await blobs.ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        using var crops = CropImages.FromFrames(await blobs.ReadFramesAsync(blobs.Paths.Aligned(range.Start), cancellationToken).ConfigureAwait(false));
        using var pivots = Invert(crops, progress, cancellationToken);
        await blobs.WriteTensorAsync(name, pivots, cancellationToken).ConfigureAwait(false);
    }

    private Tensor Invert(Tensor crops, IProgress<StageProgress>? progress, CancellationToken cancellationToken)
    {
        var models = catalog.Manifest.Models;
        if (request.Pivots == PivotSource.Encoder)
        {
            return new EncoderInverter(catalog.Get(models.Encoder)).Invert(crops);
        }
        var inverter = new OptimizationInverter(catalog.Get(models.Generator), catalog.Get(models.Perceptual),
            models.Generator.LatentLayers, models.Generator.ZDim, request.OptimizationPivots);
        var relay = progress is null ? null : new SyncProgress<InversionProgress>(p =>
            progress.Report(new StageProgress("pivots", p.Iteration + 1, p.Iterations, p.Loss, $"batch {p.Batch + 1}/{p.Batches}")));
        return inverter.Invert(crops, relay, cancellationToken);
    }
}
