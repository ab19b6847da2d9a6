namespace ServerlessStitch.Pipeline.Tuning;

/// <summary>
/// Pivotal tuning of one generator on all frames (paper §3.3; STIT-NOTES "PTI"). Defaults are the paper's where it
/// gives a number and the reference code's (PTI's <c>hyperparameters.py</c>, STIT's README) otherwise.
/// </summary>
public sealed record PtiOptions
{
    /// <summary>Adam learning rate, no ramp (PTI <c>pti_learning_rate</c> 3e-5).</summary>
    public double LearningRate { get; init; } = 3e-5;

    /// <summary>Adam β1 (PTI: torch defaults).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β2 (PTI: torch defaults).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Passes over all frames, in order; every frame is seen this many times (paper: 80; code default 300).</summary>
    public int Passes { get; init; } = 80;

    /// <summary>Frames per optimiser step (the reference: 1, an Adam update per frame).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Weight of LPIPS(G(w_i), c_i) (PTI <c>pt_lpips_lambda</c> 1).</summary>
    public double LpipsWeight { get; init; } = 1.0;

    /// <summary>Weight of MSE(G(w_i), c_i) (the paper's 10 · L2).</summary>
    public double L2Weight { get; init; } = 10.0;

    /// <summary>The locality regularizer of PTI §3.3, in the paper's loss (off by default in the code: an option).</summary>
    public bool LocalityRegularization { get; init; } = true;

    /// <summary>Weight of each regularizer term: 0.1·MSE + 0.1·LPIPS (PTI <c>regulizer_l2_lambda</c>, <c>regulizer_lpips_lambda</c>).</summary>
    public double LocalityWeight { get; init; } = 0.1;

    /// <summary>Truncation ψ of the regularizer's w = w̄ + ψ·(mapping(z) − w̄) (PTI: 0.5).</summary>
    public double Truncation { get; init; } = 0.5;

    /// <summary>Distance α of w_r = pivot + α·(w − pivot)/‖w − pivot‖ (PTI <c>regulizer_alpha</c> 30).</summary>
    public double LocalityAlpha { get; init; } = 30.0;

    /// <summary>
    /// Seeds the regularizer's z draws (re-seeded from (Seed, pass) at every pass, so a run resumed at a pass boundary
    /// draws what an uninterrupted one would) and the mean latent when the generator exports none: same seed, same losses.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// A <see cref="PtiCheckpoint"/> (generator and Adam state) after every this many completed passes, none after the
    /// last; 0 = never. Not the paper's: it lets a killed worker's replacement resume instead of starting over.
    /// </summary>
    public int CheckpointEveryPasses { get; init; } = 10;

    internal void Validate()
    {
        Check.PositiveFinite(LearningRate);
        if (!(Beta1 is >= 0 and < 1) || !(Beta2 is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta1), $"Adam betas must lie in [0, 1); got ({Beta1}, {Beta2}).");
        }
        Check.Positive(Passes);
        Check.Positive(BatchSize);
        Check.NotNegative(CheckpointEveryPasses);
        Check.NotNegative(LpipsWeight);
        Check.NotNegative(L2Weight);
        Check.NotNegative(LocalityWeight);
        Check.NotNegative(Truncation);
        Check.PositiveFinite(LocalityAlpha);
    }
}
