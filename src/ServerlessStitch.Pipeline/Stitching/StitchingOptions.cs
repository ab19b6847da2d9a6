namespace ServerlessStitch.Pipeline.Stitching;

/// <summary>The per-pixel error of the stitching loss.</summary>
public enum StitchingLoss
{
    /// <summary>Squared error: the reference code's default.</summary>
    Mse,

    /// <summary>Absolute error: what the paper writes (§3.4, Eq. 6).</summary>
    L1,
}

/// <summary>
/// Parameters of stitching tuning and the paste (paper §3.4; STIT-NOTES "Stitching tuning"). Defaults are the
/// paper's, which are the reference code's except the loss: the paper's L1 (the code defaults to MSE).
/// </summary>
public sealed record StitchingOptions
{
    /// <summary>Optimiser steps per frame. STIT-NOTES: 100.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>Adam learning rate over the generator's weights. STIT-NOTES: 3e-4.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Weight of the content term (inside the mask, toward the first edit). STIT-NOTES: 0.01.</summary>
    public double ContentWeight { get; init; } = 0.01;

    /// <summary>
    /// Per-pixel error. The paper: L1 (Eq. 6); reference code: MSE. On the calm sample at the paper's counts L1 left
    /// the lower seam (README, <c>stitch edit --stitching-loss</c>).
    /// </summary>
    public StitchingLoss Loss { get; init; } = StitchingLoss.L1;

    /// <summary>
    /// Stop a frame's tuning once its border loss is below this (0 = run every iteration, the code's default).
    /// The reference README suggests 0.005, and 0.002 for hard backgrounds.
    /// </summary>
    public double EarlyStopBorderLoss { get; init; }

    /// <summary>
    /// Frames tuned together by one generator copy. 1 (the reference: every frame its own copy); more trades
    /// per-frame fit for speed.
    /// </summary>
    public int FramesPerGenerator { get; init; } = 1;

    /// <summary>Paste with a feathered alpha (erode + Gaussian blur of the full mask) instead of the full mask itself.</summary>
    public bool FeatheredPaste { get; init; }

    internal void Validate()
    {
        if (Iterations < 0)
        {
            throw new ArgumentException($"Iterations must not be negative, got {Iterations}.");
        }
        Check.NotNegative(LearningRate);
        Check.NotNegative(ContentWeight);
        Check.NotNegative(EarlyStopBorderLoss);
        Check.Positive(FramesPerGenerator);
        if (!Enum.IsDefined(Loss))
        {
            throw new ArgumentException($"Unknown stitching loss {Loss}.");
        }
    }
}
