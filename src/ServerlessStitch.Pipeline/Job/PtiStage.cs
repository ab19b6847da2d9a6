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
/// With PTI off, the pretrained generator is stored instead so later stages read one place. Every
/// <see cref="PtiOptions.CheckpointEveryPasses"/> passes a checkpoint goes to <c>pti/checkpoint/</c>; a run that finds a
/// matching one (a replacement for a killed worker) resumes from it, and the checkpoint is deleted once the summary is written.
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
            var checkpoints = new PtiCheckpointStore(blobs, Fingerprint(allCrops, allPivots), (int)allCrops.shape[0]);
            PtiCheckpoint? resume = null;
            if (request.TuneGenerator)
            {
                (resume, string? rejected) = await checkpoints.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (rejected is not null)
                {
                    progress?.Report(new StageProgress("pti", 0, TotalSteps(allCrops), Detail: $"checkpoint ignored: {rejected}; PTI starts over"));
                }
                else if (resume is not null)
                {
                    progress?.Report(new StageProgress("pti", 0, TotalSteps(allCrops), Detail: $"resuming from the checkpoint after pass {resume.PassesDone}"));
                }
            }
            var (summary, generatorBytes) = Tune(allCrops, allPivots, resume, checkpoints, progress, cancellationToken);
            await blobs.WriteBytesAsync(blobs.Paths.PtiGenerator, generatorBytes, "application/octet-stream", cancellationToken).ConfigureAwait(false);
            // The summary is written last: its presence marks the stage complete.
            await blobs.WriteJsonAsync(blobs.Paths.PtiSummary, summary, cancellationToken).ConfigureAwait(false);
            await checkpoints.DeleteAsync(cancellationToken).ConfigureAwait(false);
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

    private (PtiSummary Summary, byte[] Generator) Tune(Tensor crops, Tensor pivots, PtiCheckpoint? resume, PtiCheckpointStore checkpoints,
        IProgress<StageProgress>? progress, CancellationToken cancellationToken)
    {
        var models = catalog.Manifest.Models;
        var pretrained = catalog.Get(models.Generator);
        var perceptual = new PerceptualDistance(catalog.Get(models.Perceptual));
        var clock = Stopwatch.StartNew();
        PtiProgress? last = null;
        // Tensor work stays on this thread (grad mode and dispose scopes are per thread), so the checkpoint is written by
        // blocking on the store here; tuning goes on only once the checkpoint is safe.
        var checkpointing = new PtiCheckpointing(resume, checkpoint =>
        {
            checkpoints.WriteAsync(checkpoint, cancellationToken).GetAwaiter().GetResult();
            int done = checkpoint.PassesDone * StepsPerPass(crops);
            progress?.Report(new StageProgress("pti", done, TotalSteps(crops), last?.Loss,
                $"checkpoint after pass {checkpoint.PassesDone}/{request.Pti.Passes} written ({(checkpoint.Generator.Length + checkpoint.Optimizer.Length) / 1e6:F1} MB)"));
        });
        using var tuned = request.TuneGenerator
            ? new PivotalTuner(pretrained, catalog.Get(models.Perceptual), models.Generator.ZDim, request.Pti).Tune(crops, pivots, checkpointing,
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
            ResumedFromPass: resume?.PassesDone ?? 0,
            PsnrEncoder: Psnr.Mean(before, crops),
            PsnrTuned: Psnr.Mean(after, crops),
            LpipsEncoder: perceptual.Mean(before, crops),
            LpipsTuned: perceptual.Mean(after, crops));
        using var buffer = new MemoryStream();
        tuned.save(buffer);
        return (summary, buffer.ToArray());
    }

    private string Fingerprint(Tensor crops, Tensor pivots)
    {
        var models = catalog.Manifest.Models;
        using var cpu = pivots.detach().to(float32).cpu().contiguous();
        return PtiCheckpointStore.Fingerprint(request.Pti, models.Generator.Sha256, models.Perceptual.Sha256, crops.shape, pivots.shape, cpu.data<float>());
    }

    private int StepsPerPass(Tensor crops) => (int)((crops.shape[0] + request.Pti.BatchSize - 1) / request.Pti.BatchSize);

    private int TotalSteps(Tensor crops) => StepsPerPass(crops) * request.Pti.Passes;

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
/// crop, for the pretrained generator at the pivots ("encoder only") and for the tuned one. <c>ResumedFromPass</c> is
/// the pass this run started at (0 = fresh; else a checkpoint's); <c>Seconds</c> and the rate count this run only.
/// </summary>
public sealed record PtiSummary(
    bool Tuned, int Frames, int Passes, int Steps, double Seconds, double FrameStepsPerSecond, double? FinalLoss, int ResumedFromPass,
    double PsnrEncoder, double PsnrTuned, double LpipsEncoder, double LpipsTuned)
{
    public double PsnrGain => PsnrTuned - PsnrEncoder;
}
