using ServerlessStitch.Pipeline.Tuning;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using static ServerlessStitch.Torch.torch.jit;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Inversion;

/// <summary>
/// Options of <see cref="OptimizationInverter"/>. The defaults are modest on purpose: this inverter exists for the
/// paper's Figure 8 ablation, not for quality. PTI's projector runs 450 Adam steps at lr 5e-3 on LPIPS from the
/// mean latent; 100 steps at lr 0.01 reach most of that gain on the 64 px demo generator at a fraction of the cost.
/// </summary>
public sealed record OptimizationInverterOptions
{
    /// <summary>Adam steps per batch of frames.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>Adam learning rate on the W+ codes.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Weight of the LPIPS term (the manifest's perceptual model).</summary>
    public double LpipsWeight { get; init; } = 1.0;

    /// <summary>Weight of the pixel MSE term.</summary>
    public double L2Weight { get; init; } = 1.0;

    /// <summary>Frames optimised together; each frame has its own code and its own loss, so this bounds memory only.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Seeds the mean-latent estimate when the generator exports no <c>mean_latent()</c>.</summary>
    public ulong Seed { get; init; }
}

/// <summary>One optimisation step of a batch: <paramref name="Loss"/> is the mean per-frame loss of the batch.</summary>
public sealed record InversionProgress(int Batch, int Batches, int Iteration, int Iterations, double Loss);

/// <summary>
/// The Figure 8 ablation "optimisation-based pivots instead of the encoder": for each frame, W+ starts at the
/// generator's mean latent and is fitted by Adam to the aligned crop under LPIPS + MSE. The generator is not trained.
/// </summary>
public sealed class OptimizationInverter
{
    private readonly ScriptModule _generator;
    private readonly ScriptModule _perceptual;
    private readonly int _layers;
    private readonly int _zDim;
    private readonly OptimizationInverterOptions _options;

    /// <param name="generator">The pretrained generator (read only: its weights get no gradient step).</param>
    /// <param name="perceptual">The LPIPS model, <c>forward(a, b)</c> → <c>[N]</c>.</param>
    /// <param name="layers">L of W+ (the manifest's <c>latent_layers</c>).</param>
    /// <param name="zDim">Dz (the manifest's <c>z_dim</c>), for the mean-latent fallback.</param>
    public OptimizationInverter(ScriptModule generator, ScriptModule perceptual, int layers, int zDim, OptimizationInverterOptions? options = null)
    {
        _generator = Check.NotNull(generator);
        _perceptual = Check.NotNull(perceptual);
        _layers = Check.Positive(layers);
        _zDim = Check.Positive(zDim);
        _options = options ?? new OptimizationInverterOptions();
        Check.Positive(_options.Iterations);
        Check.Positive(_options.BatchSize);
        Check.PositiveFinite(_options.LearningRate);
        Check.NotNegative(_options.LpipsWeight);
        Check.NotNegative(_options.L2Weight);
    }

    /// <summary>
    /// Aligned crops <c>[N, 3, R, R]</c> in [-1, 1] → W+ <c>[N, L, D]</c> (a new tensor the caller owns).
    /// <paramref name="progress"/> is called synchronously on this thread after every step; cancelling stops
    /// between steps with <see cref="OperationCanceledException"/>.
    /// </summary>
    public Tensor Invert(Tensor crops, IProgress<InversionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Check.NotNull(crops);
        if (crops.dim() != 4 || crops.size(1) != 3 || crops.size(0) == 0)
        {
            throw new ArgumentException($"Expected aligned crops [N, 3, R, R] with N > 0; got [{string.Join(", ", crops.shape)}].", nameof(crops));
        }
        long n = crops.size(0);
        int batches = (int)((n + _options.BatchSize - 1) / _options.BatchSize);

        // The LPIPS network is the catalog's shared copy: a private clone with frozen weights keeps gradients out of it.
        using ScriptModule perceptual = FrozenModule.Copy(_perceptual);
        using ScriptModule generator = FrozenModule.Copy(_generator);
        using Tensor mean = MeanLatent.Of(_generator, _zDim, _options.Seed);
        using var outer = NewDisposeScope();
        var codes = new List<Tensor>();
        for (int b = 0; b < batches; b++)
        {
            long start = (long)b * _options.BatchSize, length = Math.Min(_options.BatchSize, n - start);
            using Tensor target = crops.narrow(0, start, length).detach();
            codes.Add(InvertBatch(generator, perceptual, mean, target, b, batches, progress, cancellationToken));
        }
        Tensor result = codes.Count == 1 ? codes[0].clone() : cat(codes, 0);
        return result.MoveToOuterDisposeScope();
    }

    private Tensor InvertBatch(ScriptModule generator, ScriptModule perceptual, Tensor mean, Tensor target, int batch, int batches,
        IProgress<InversionProgress>? progress, CancellationToken cancellationToken)
    {
        long b = target.size(0);
        Tensor w;
        using (no_grad())
        {
            using Tensor start = mean.reshape(1, 1, -1).expand(b, _layers, -1);
            w = start.clone().requires_grad_();
        }
        using var adam = optim.Adam([w], lr: _options.LearningRate);
        for (int step = 0; step < _options.Iterations; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            Tensor image = generator.forward(w);
            // Sum of per-frame losses: each frame's code gets exactly its own gradient.
            Tensor perFrame = (perceptual.forward(image, target).reshape(-1) * _options.LpipsWeight)
                              + (F.mse_loss(image, target, Reduction.None).mean([1, 2, 3]) * _options.L2Weight);
            Tensor loss = perFrame.sum();
            adam.zero_grad();
            loss.backward();
            adam.step();
            progress?.Report(new InversionProgress(batch, batches, step, _options.Iterations, perFrame.mean().item<float>()));
        }
        using (no_grad())
        {
            Tensor result = w.detach().clone();
            w.Dispose();
            return result;
        }
    }
}
