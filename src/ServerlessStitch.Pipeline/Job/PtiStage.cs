using System.Diagnostics;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Metrics;
using ServerlessStitch.Pipeline.Tuning;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// PTI (the fan-in): one generator tuned on every frame's crop around its pivot, saved as TorchScript to
/// <c>pti/generator.pt</c>, with the inversion figures (encoder-only vs tuned) in <c>pti/summary.json</c>.
/// With PTI off, the pretrained generator is stored instead so later stages read one place.
/// </summary>
public sealed class PtiStage(JobBlobs blobs, ModelCatalog catalog, EditRequest request)
{
    public async Task<PtiSummary> TuneAsync(IReadOnlyList<FrameRange> chunks, IProgress<StageProgress>? progress, CancellationToken cancellationToken)
    {
        if (await blobs.ExistsAsync(blobs.Paths.PtiSummary, cancellationToken).ConfigureAwait(false))
        {
            return await blobs.ReadJsonAsync<PtiSummary>(blobs.Paths.PtiSummary, cancellationToken).ConfigureAwait(false);
        }
        var crops = new List<Tensor>();
        var pivots = new List<Tensor>();
        try
        {
            foreach (var range in chunks)
            {
                crops.Add(CropImages.FromFrames(await blobs.ReadFramesAsync(blobs.Paths.Aligned(range.Start), cancellationToken).ConfigureAwait(false)));
                pivots.Add(await blobs.ReadTensorAsync(blobs.Paths.Pivots(range.Start), cancellationToken).ConfigureAwait(false));
            }
            using var allCrops = cat(crops, 0);
            using var allPivots = cat(pivots, 0);
            var (summary, generatorBytes) = Tune(allCrops, allPivots, progress, cancellationToken);
            await blobs.WriteBytesAsync(blobs.Paths.PtiGenerator, generatorBytes, "application/octet-stream", cancellationToken).ConfigureAwait(false);
            // The summary is written last: its presence marks the stage complete.
            await blobs.WriteJsonAsync(blobs.Paths.PtiSummary, summary, cancellationToken).ConfigureAwait(false);
            return summary;
        }
        finally
        {
            crops.ForEach(t => t.Dispose());
            pivots.ForEach(t => t.Dispose());
        }
    }

    /// <summary>The job's generator (tuned, or the pretrained one with PTI off) loaded from its blob.</summary>
    public async Task<jit.ScriptModule> LoadGeneratorAsync(CancellationToken cancellationToken)
    {
        byte[] bytes = await blobs.ReadBytesAsync(blobs.Paths.PtiGenerator, cancellationToken).ConfigureAwait(false);
        using var stream = new MemoryStream(bytes);
        return jit.load(stream, catalog.Device).eval();
    }

    private (PtiSummary Summary, byte[] Generator) Tune(Tensor crops, Tensor pivots, IProgress<StageProgress>? progress, CancellationToken cancellationToken)
    {
        var models = catalog.Manifest.Models;
        var pretrained = catalog.Get(models.Generator);
        var perceptual = new PerceptualDistance(catalog.Get(models.Perceptual));
        var clock = Stopwatch.StartNew();
        PtiProgress? last = null;
        using var tuned = request.TuneGenerator
            ? new PivotalTuner(pretrained, catalog.Get(models.Perceptual), models.Generator.ZDim, request.Pti).Tune(crops, pivots,
                new SyncProgress<PtiProgress>(p =>
                {
                    last = p;
                    progress?.Report(new StageProgress("pti", p.Step + 1, p.Steps, p.Loss,
                        $"pass {p.Pass + 1}/{p.Passes}, {p.FramesPerSecond:F1} frame-steps/s"));
                }), cancellationToken)
            : pretrained.clone();
        double seconds = clock.Elapsed.TotalSeconds;

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor before = Render(pretrained, pivots);
        Tensor after = Render(tuned, pivots);
        var summary = new PtiSummary(
            Tuned: request.TuneGenerator,
            Frames: (int)crops.shape[0],
            Passes: request.TuneGenerator ? request.Pti.Passes : 0,
            Steps: last is null ? 0 : last.Steps,
            Seconds: seconds,
            FrameStepsPerSecond: last?.FramesPerSecond ?? 0,
            FinalLoss: last?.Loss,
            PsnrEncoder: Psnr.Mean(before, crops),
            PsnrTuned: Psnr.Mean(after, crops),
            LpipsEncoder: perceptual.Mean(before, crops),
            LpipsTuned: perceptual.Mean(after, crops));
        using var buffer = new MemoryStream();
        tuned.save(buffer);
        return (summary, buffer.ToArray());
    }

    /// <summary>G(w) for all codes, a chunk at a time, clamped to the image range.</summary>
    private Tensor Render(jit.ScriptModule generator, Tensor codes)
    {
        var parts = new List<Tensor>();
        for (long start = 0; start < codes.shape[0]; start += request.ChunkSize)
        {
            parts.Add(generator.forward(codes.narrow(0, start, Math.Min(request.ChunkSize, codes.shape[0] - start))).clamp(-1, 1));
        }
        return cat(parts, 0);
    }
}

/// <summary>
/// <c>pti/summary.json</c>: how PTI ran and what it gained. PSNR (dB) and LPIPS are over every frame's aligned
/// crop, for the pretrained generator at the pivots ("encoder only") and for the tuned one.
/// </summary>
public sealed record PtiSummary(
    bool Tuned, int Frames, int Passes, int Steps, double Seconds, double FrameStepsPerSecond, double? FinalLoss,
    double PsnrEncoder, double PsnrTuned, double LpipsEncoder, double LpipsTuned)
{
    public double PsnrGain => PsnrTuned - PsnrEncoder;
}
