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

    // Generator copies and progress reports, from several worker threads: one at a time.
    private readonly Lock _gate = new();

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
    /// <remarks>
    /// <paramref name="cpuThreads"/> &gt; 1 tunes up to <see cref="MaxWorkers"/> frames side by side on their own
    /// threads, splitting that many intra-op threads among them: one small generator's kernels at batch 1 use two
    /// cores poorly (`models/bench_batch_one.py`, batch 1: 27 ms a step on 2 threads, 40 ms on 1 with a second copy
    /// running beside it, so two frames at once give 1.35 times the throughput). Every frame's tuning is independent, so the result is the same frames in the same order.
    /// 0 runs frame after frame on the calling thread's count (a GPU, where threads do not matter).
    /// </remarks>
    public StitchingResult Tune(ScriptModule generator, Tensor editLatents, Tensor originalCrops, StitchingMasks masks,
        IProgress<StitchingProgress>? progress = null, int cpuThreads = 0, CancellationToken cancellationToken = default)
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

        ArgumentOutOfRangeException.ThrowIfNegative(cpuThreads);
        var groups = new List<(int Start, int Count)>();
        for (int start = 0; start < n; start += Options.FramesPerGenerator)
        {
            groups.Add((start, (int)Math.Min(Options.FramesPerGenerator, n - start)));
        }
        var stitched = new Tensor?[groups.Count];
        var traces = new StitchingTrace[groups.Count];
        int workers = Math.Min(Math.Min(cpuThreads, MaxWorkers), groups.Count);
        try
        {
            if (workers <= 1)
            {
                using var threads = cpuThreads > 0 ? thread_num_threads(cpuThreads) : null;
                for (int g = 0; g < groups.Count; g++)
                {
                    (stitched[g], traces[g]) = TuneGroupDetached(generator, editLatents, originalCrops, masks, groups[g], progress, cancellationToken);
                }
            }
            else
            {
                RunWorkers(workers, cpuThreads / workers, groups.Count, (g, stop) =>
                    (stitched[g], traces[g]) = TuneGroupDetached(generator, editLatents, originalCrops, masks, groups[g], progress, stop),
                    cancellationToken);
            }
            using var scope = NewDisposeScope();
            Tensor result = stitched.Length == 1 ? stitched[0]!.clone() : cat([.. stitched.Select(t => t!)], 0);
            return new StitchingResult(result.MoveToOuterDisposeScope(), traces);
        }
        finally
        {
            foreach (Tensor? t in stitched)
            {
                t?.Dispose();
            }
        }
    }

    /// <summary>At most this many frames are tuned at once: each holds a generator copy, its gradients and Adam's state.</summary>
    public const int MaxWorkers = 4;

    /// <summary>
    /// Runs <paramref name="work"/> for items 0..count-1 on <paramref name="workers"/> threads (<see cref="TensorWorkerThreads"/>),
    /// each with <paramref name="threadsEach"/> intra-op threads. The first failure cancels the token the others' work
    /// gets (they stop at their next step) and is rethrown.
    /// </summary>
    private static void RunWorkers(int workers, int threadsEach, int count, Action<int, CancellationToken> work, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int next = -1;
        Exception? failure = null;
        TensorWorkerThreads.Run(workers, _ =>
        {
            try
            {
                using var intraOp = thread_num_threads(Math.Max(1, threadsEach));
                for (int item; !stop.IsCancellationRequested && (item = Interlocked.Increment(ref next)) < count;)
                {
                    work(item, stop.Token);
                }
            }
#pragma warning disable CA1031 // Kept before the others are cancelled, so their cancellation never hides it; rethrown below.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref failure, e, null);
                stop.Cancel();
            }
        });
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>One group tuned on the calling thread; its crops belong to no dispose scope (the caller disposes them).</summary>
    private (Tensor Crops, StitchingTrace Trace) TuneGroupDetached(ScriptModule generator, Tensor editLatents, Tensor originalCrops,
        StitchingMasks masks, (int Start, int Count) group, IProgress<StitchingProgress>? progress, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        using StitchingMasks slice = masks.Slice(group.Start, group.Count);
        (Tensor crops, StitchingTrace trace) = TuneGroup(generator, editLatents.narrow(0, group.Start, group.Count),
            originalCrops.narrow(0, group.Start, group.Count), slice, group.Start, progress, cancellationToken);
        return (crops.DetachFromDisposeScope(), trace);
    }

    private (Tensor Crops, StitchingTrace Trace) TuneGroup(ScriptModule generator, Tensor latents, Tensor originals,
        StitchingMasks masks, int firstFrame, IProgress<StitchingProgress>? progress, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        ScriptModule tuned;
        lock (_gate)
        {
            tuned = generator.clone();
        }
        using var owned = tuned;
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
            if (progress is not null)
            {
                lock (_gate)
                {
                    progress.Report(new StitchingProgress(firstFrame, (int)w.shape[0], iteration, Options.Iterations, b, c));
                }
            }
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
