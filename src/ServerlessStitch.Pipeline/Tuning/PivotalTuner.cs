using System.Diagnostics;
using ServerlessStitch.Pipeline.Inversion;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using static ServerlessStitch.Torch.torch.jit;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Tuning;

/// <summary>
/// Pivotal tuning inversion on a whole video (paper §3.3, STIT-NOTES "PTI"): one deep copy of the pretrained
/// generator is fine-tuned on every frame jointly, with the encoder pivots fixed, so that G_pti(w_i) ≈ c_i.
/// Loss per step = LpipsWeight·LPIPS + L2Weight·MSE against the crops, plus the locality regularizer: one z per
/// step, w = w̄ + ψ·(mapping(z) − w̄), w_r = pivot + α·(w − pivot)/‖w − pivot‖ (norm over the whole W+ tensor),
/// LocalityWeight·(MSE + LPIPS) between the tuned generator and the frozen original at w_r.
/// The pretrained generator passed in is never modified.
/// </summary>
public sealed class PivotalTuner
{
    private readonly ScriptModule _generator;
    private readonly ScriptModule _perceptual;
    private readonly int _zDim;
    private readonly PtiOptions _options;

    /// <param name="generator">The pretrained generator (DESIGN.md §4: <c>forward(w)</c>, <c>mapping(z)</c>); read only.</param>
    /// <param name="perceptual">The LPIPS model, <c>forward(a, b)</c> → <c>[N]</c>.</param>
    /// <param name="zDim">Dz of <c>mapping</c> (the manifest's <c>z_dim</c>).</param>
    public PivotalTuner(ScriptModule generator, ScriptModule perceptual, int zDim, PtiOptions? options = null)
    {
        _generator = Check.NotNull(generator);
        _perceptual = Check.NotNull(perceptual);
        _zDim = Check.Positive(zDim);
        _options = options ?? new PtiOptions();
        _options.Validate();
    }

    public PtiOptions Options => _options;

    /// <summary>
    /// Tunes a deep copy of the generator on <paramref name="crops"/> <c>[N, 3, R, R]</c> in [-1, 1] around
    /// <paramref name="pivots"/> <c>[N, L, D]</c> and returns it (the caller owns it; save it with
    /// <see cref="ScriptModule.save(Stream)"/>). Passes × ⌈N / BatchSize⌉ Adam steps, frames in order.
    /// <paramref name="progress"/> is called synchronously on this thread after every step. Cancelling stops between
    /// steps with <see cref="OperationCanceledException"/> and frees the partly tuned copy.
    /// </summary>
    public ScriptModule Tune(Tensor crops, Tensor pivots, IProgress<PtiProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Tune(crops, pivots, new PtiCheckpointing(), progress, cancellationToken);

    /// <summary>
    /// As <see cref="Tune(Tensor, Tensor, IProgress{PtiProgress}?, CancellationToken)"/>, optionally resumed from a
    /// checkpoint (its generator is tuned instead of a copy of the pretrained one, its Adam state restored, and only
    /// passes <see cref="PtiCheckpoint.PassesDone"/>..Passes−1 run, step numbers continuing), and handing a checkpoint
    /// to <see cref="PtiCheckpointing.OnCheckpoint"/> after every <see cref="PtiOptions.CheckpointEveryPasses"/> passes.
    /// The frozen original of the regularizer is always the pretrained generator.
    /// </summary>
    public ScriptModule Tune(Tensor crops, Tensor pivots, PtiCheckpointing checkpointing, IProgress<PtiProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Check.NotNull(crops);
        Check.NotNull(pivots);
        Check.NotNull(checkpointing);
        if (crops.dim() != 4 || crops.size(1) != 3 || crops.size(0) == 0)
        {
            throw new ArgumentException($"Expected aligned crops [N, 3, R, R] with N > 0; got [{string.Join(", ", crops.shape)}].", nameof(crops));
        }
        if (pivots.dim() != 3 || pivots.size(0) != crops.size(0))
        {
            throw new ArgumentException($"Expected one W+ pivot [N, L, D] per crop ({crops.size(0)}); got [{string.Join(", ", pivots.shape)}].", nameof(pivots));
        }
        PtiCheckpoint? resume = checkpointing.ResumeFrom;
        if (resume is not null && !(resume.PassesDone > 0 && resume.PassesDone < _options.Passes))
        {
            throw new ArgumentOutOfRangeException(nameof(checkpointing),
                $"A checkpoint after {resume.PassesDone} passes cannot resume a run of {_options.Passes} passes (it must lie strictly inside).");
        }

        int frames = (int)crops.size(0);
        int stepsPerPass = (frames + _options.BatchSize - 1) / _options.BatchSize;
        int steps = stepsPerPass * _options.Passes;
        int firstPass = resume?.PassesDone ?? 0;

        ScriptModule tuned = resume is null ? _generator.clone() : LoadGenerator(resume.Generator);
        try
        {
            tuned.eval();
            FrozenModule.SetRequiresGrad(tuned, true);
            using ScriptModule perceptual = FrozenModule.Copy(_perceptual);
            using Tensor mean = MeanLatent.Of(_generator, _zDim, _options.Seed);
            IReadOnlyList<Tensor> parameters = tuned.parameters();
            try
            {
                using var adam = optim.Adam(parameters, lr: _options.LearningRate, beta1: _options.Beta1, beta2: _options.Beta2);
                if (resume is not null)
                {
                    using var state = new MemoryStream(resume.Optimizer, writable: false);
                    adam.load(state);
                }
                var clock = Stopwatch.StartNew();
                long frameSteps = 0;
                for (int pass = firstPass, step = firstPass * stepsPerPass; pass < _options.Passes; pass++)
                {
                    using var random = new Generator(PassSeed(_options.Seed, pass));
                    for (int first = 0; first < frames; first += _options.BatchSize, step++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        int count = Math.Min(_options.BatchSize, frames - first);
                        (double loss, double reconstruction, double regularizer) =
                            Step(tuned, perceptual, adam, mean, random, crops, pivots, first, count);
                        frameSteps += count;
                        progress?.Report(new PtiProgress(pass, _options.Passes, step, steps, loss, reconstruction, regularizer,
                            frameSteps / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
                    }
                    if (checkpointing.OnCheckpoint is { } onCheckpoint && IsCheckpointPass(pass + 1))
                    {
                        onCheckpoint(Snapshot(pass + 1, tuned, adam));
                    }
                }
                adam.zero_grad();
            }
            finally
            {
                foreach (Tensor parameter in parameters)
                {
                    parameter.Dispose();
                }
            }
            return tuned;
        }
        catch
        {
            tuned.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The regularizer's seed for one pass (SplitMix64 of seed and pass): each pass draws its own z sequence, independent
    /// of how many passes ran before it in this process, which is what makes a resumed run equal to an uninterrupted one.
    /// </summary>
    internal static ulong PassSeed(ulong seed, int pass)
    {
        ulong x = seed + ((ulong)(pass + 1) * 0x9E3779B97F4A7C15UL);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private bool IsCheckpointPass(int passesDone) =>
        _options.CheckpointEveryPasses > 0 && passesDone % _options.CheckpointEveryPasses == 0 && passesDone < _options.Passes;

    private static PtiCheckpoint Snapshot(int passesDone, ScriptModule tuned, ServerlessStitch.Torch.Modules.Adam adam)
    {
        using var generator = new MemoryStream();
        tuned.save(generator);
        using var optimizer = new MemoryStream();
        adam.save(optimizer);
        return new PtiCheckpoint(passesDone, generator.ToArray(), optimizer.ToArray());
    }

    /// <summary>A checkpoint's generator, on the pretrained generator's device (where the crops and Adam state are).</summary>
    private ScriptModule LoadGenerator(byte[] bytes)
    {
        Device device;
        IReadOnlyList<Tensor> parameters = _generator.parameters();
        try
        {
            device = parameters.Count > 0 ? parameters[0].device : CPU;
        }
        finally
        {
            foreach (Tensor parameter in parameters)
            {
                parameter.Dispose();
            }
        }
        using var stream = new MemoryStream(bytes, writable: false);
        return jit.load(stream, device);
    }

    private (double Loss, double Reconstruction, double Regularizer) Step(ScriptModule tuned, ScriptModule perceptual, ServerlessStitch.Torch.Modules.Adam adam,
        Tensor mean, Generator random, Tensor crops, Tensor pivots, int first, int count)
    {
        using var scope = NewDisposeScope();
        Tensor target = crops.narrow(0, first, count).detach();
        Tensor pivot = pivots.narrow(0, first, count).detach();
        bool regularize = _options.LocalityRegularization && _options.LocalityWeight > 0;

        Tensor loss, reconstruction, image;
        if (!regularize)
        {
            image = tuned.forward(pivot);
            reconstruction = (perceptual.forward(image, target).mean() * _options.LpipsWeight) + (F.mse_loss(image, target) * _options.L2Weight);
            loss = reconstruction;
        }
        else
        {
            (Tensor wr, Tensor original) = RegularizerPoint(mean, random, pivot);
            // One batched forward of the tuned generator and of LPIPS for the pivots and w_r: the same sums as two
            // separate passes (noise is constant), at less per-call overhead.
            Tensor images = tuned.forward(cat([pivot, wr], 0));
            image = images.narrow(0, 0, count);
            Tensor moved = images.narrow(0, count, count);
            Tensor distances = perceptual.forward(images, cat([target, original], 0)).reshape(-1);
            reconstruction = (distances.narrow(0, 0, count).mean() * _options.LpipsWeight) + (F.mse_loss(image, target) * _options.L2Weight);
            // PTI's Space_Regularizer.ball_holder_loss_lazy with one sample per step: 0.1·MSE + 0.1·LPIPS.
            Tensor regularizer = (F.mse_loss(moved, original) + distances.narrow(0, count, count).mean()) * _options.LocalityWeight;
            loss = reconstruction + regularizer;
        }

        adam.zero_grad();
        loss.backward();
        adam.step();
        double total = loss.item<float>(), rec = reconstruction.item<float>();
        return (total, rec, total - rec);
    }

    /// <summary>
    /// w_r and the frozen original's image there: z ~ N(0, I) from the seeded generator, w = w̄ + ψ·(mapping(z) − w̄),
    /// w_r = pivot + α·(w − pivot)/‖w − pivot‖ with the norm over the whole W+ tensor (PTI's <c>get_morphed_w_code</c>).
    /// </summary>
    private (Tensor Wr, Tensor Original) RegularizerPoint(Tensor mean, Generator random, Tensor pivot)
    {
        using (no_grad())
        {
            Tensor z = randn([1, _zDim], generator: random);
            Tensor w = mean + ((_generator.invoke("mapping", z) - mean) * _options.Truncation);
            Tensor direction = w.unsqueeze(1) - pivot;                                              // [B, L, D]
            Tensor wr = pivot + (direction * _options.LocalityAlpha / direction.norm().clamp_min(1e-12));
            return (wr, _generator.forward(wr));
        }
    }
}
