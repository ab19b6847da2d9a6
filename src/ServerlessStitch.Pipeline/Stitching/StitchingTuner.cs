using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using static ServerlessStitch.Torch.torch.jit;

namespace ServerlessStitch.Pipeline.Stitching;

/// <summary>
/// Stitching tuning (paper §3.4, Eq. 6; STIT-NOTES "Stitching tuning"): for each frame, a deep copy of the (PTI-tuned)
/// generator is tuned with Adam so that G(w_edit) matches the ORIGINAL crop on the boundary ring while staying near
/// the first edit G_pti(w_edit) inside the face: loss = masked error(border, original) + λ · masked error(content,
/// first edit), masked error = sum over the 3 channels / sum of the 1-channel mask. The given generator is never
/// modified. Nothing random is drawn (the generators' noise is constant), so equal inputs give equal losses.
/// </summary>
public sealed class StitchingTuner
{
    // Keeps an empty mask (no face in the crop) from dividing by zero: its error is then 0.
    private const double MaskSumFloor = 1e-8;

    public StitchingTuner(StitchingOptions options)
    {
        Options = Check.NotNull(options);
        options.Validate();
    }

    public StitchingOptions Options { get; }

    /// <summary>
    /// Tunes a copy of <paramref name="generator"/> per frame (or per <see cref="StitchingOptions.FramesPerGenerator"/>
    /// frames) and returns G_tuned(w_edit). <paramref name="editLatents"/> W+ [N, L, D] (pivots + δw);
    /// <paramref name="originalCrops"/> [N, 3, R, R] in [-1, 1]; <paramref name="masks"/> at R. Synchronous tensor
    /// work on the calling thread; <paramref name="cancellationToken"/> stops between steps.
    /// </summary>
    public StitchingResult Tune(ScriptModule generator, Tensor editLatents, Tensor originalCrops, StitchingMasks masks,
        IProgress<StitchingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Check.NotNull(generator);
        Check.NotNull(editLatents);
        Check.NotNull(originalCrops);
        Check.NotNull(masks);
        long n = editLatents.shape[0];
        if (editLatents.dim() != 3 || n == 0)
        {
            throw new ArgumentException($"editLatents must be W+ codes [N, L, D] with N ≥ 1, got {editLatents}.", nameof(editLatents));
        }
        int resolution = masks.Resolution;
        if (!originalCrops.shape.SequenceEqual([n, 3, resolution, resolution]) || masks.Count != n)
        {
            throw new ArgumentException(
                $"Need one original crop [3, {resolution}, {resolution}] and one mask set per latent: latents {editLatents}, crops {originalCrops}, masks {masks.Full}.");
        }

        using var scope = NewDisposeScope();
        var stitched = new List<Tensor>();
        var traces = new List<StitchingTrace>();
        for (int start = 0; start < n; start += Options.FramesPerGenerator)
        {
            int count = (int)Math.Min(Options.FramesPerGenerator, n - start);
            using StitchingMasks slice = masks.Slice(start, count);
            (Tensor crops, StitchingTrace trace) = TuneGroup(generator, editLatents.narrow(0, start, count),
                originalCrops.narrow(0, start, count), slice, start, progress, cancellationToken);
            stitched.Add(crops);
            traces.Add(trace);
        }
        Tensor result = stitched.Count == 1 ? stitched[0] : cat(stitched, 0);
        return new StitchingResult(result.MoveToOuterDisposeScope(), traces);
    }

    private (Tensor Crops, StitchingTrace Trace) TuneGroup(ScriptModule generator, Tensor latents, Tensor originals,
        StitchingMasks masks, int firstFrame, IProgress<StitchingProgress>? progress, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        using ScriptModule tuned = generator.clone();
        IReadOnlyList<Tensor> parameters = tuned.parameters();
        foreach (Tensor parameter in parameters)
        {
            parameter.requires_grad_(true);
        }
        using var adam = optim.Adam(parameters, lr: Options.LearningRate);
        foreach (Tensor parameter in parameters)
        {
            parameter.Dispose();
        }

        Tensor w = latents.detach().to(float32);
        Tensor target = originals.detach().to(float32);
        Tensor border = masks.Border.detach();
        Tensor content = masks.Content.detach();
        Tensor borderSum = border.sum().clamp_min(MaskSumFloor);
        Tensor contentSum = content.sum().clamp_min(MaskSumFloor);
        Tensor firstEdit;
        using (no_grad())
        {
            firstEdit = tuned.forward(w);
        }

        var borderLosses = new List<double>();
        var contentLosses = new List<double>();
        bool stoppedEarly = false;
        int steps = 0;
        for (int iteration = 0; iteration < Options.Iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var step = NewDisposeScope();
            Tensor image = tuned.forward(w);
            Tensor borderLoss = MaskedError(image, target, border, borderSum);
            Tensor contentLoss = MaskedError(image, firstEdit, content, contentSum);
            double b = borderLoss.item<float>(), c = contentLoss.item<float>();
            borderLosses.Add(b);
            contentLosses.Add(c);
            progress?.Report(new StitchingProgress(firstFrame, (int)w.shape[0], iteration, Options.Iterations, b, c));
            if (Options.EarlyStopBorderLoss > 0 && b < Options.EarlyStopBorderLoss)
            {
                stoppedEarly = true;
                break;
            }
            Tensor total = borderLoss + (contentLoss * Options.ContentWeight);
            adam.zero_grad();
            total.backward();
            adam.step();
            steps++;
        }

        using (no_grad())
        {
            Tensor result = tuned.forward(w);
            double finalBorder = MaskedError(result, target, border, borderSum).item<float>();
            double finalContent = MaskedError(result, firstEdit, content, contentSum).item<float>();
            var trace = new StitchingTrace(firstFrame, (int)w.shape[0], borderLosses, contentLosses, steps, stoppedEarly, finalBorder, finalContent);
            return (result.MoveToOuterDisposeScope(), trace);
        }
    }

    /// <summary>Σ error · mask over the 3 channels / Σ mask (the reference's masked loss; mask [N, 1, R, R] broadcast).</summary>
    private Tensor MaskedError(Tensor image, Tensor target, Tensor mask, Tensor maskSum)
    {
        Tensor difference = image - target;
        Tensor error = Options.Loss == StitchingLoss.L1 ? difference.abs() : difference.square();
        return (error * mask).sum() / maskSum;
    }
}
