using ServerlessStitch.Torch;

namespace ServerlessStitch.Pipeline.Stitching;

/// <summary>
/// How one generator copy's tuning went. <see cref="BorderLosses"/>[i] and <see cref="ContentLosses"/>[i] are the
/// unweighted masked errors before step i; <see cref="FinalBorderLoss"/> is measured on the returned crops.
/// </summary>
public sealed record StitchingTrace(
    int FirstFrame,
    int FrameCount,
    IReadOnlyList<double> BorderLosses,
    IReadOnlyList<double> ContentLosses,
    int Steps,
    bool StoppedEarly,
    double FinalBorderLoss,
    double FinalContentLoss);

/// <summary>Stitched crops float32 [N, 3, R, R] in the generator's range, and one trace per generator copy. Owns the tensor.</summary>
public sealed class StitchingResult(torch.Tensor stitched, IReadOnlyList<StitchingTrace> traces) : IDisposable
{
    public torch.Tensor Stitched { get; } = Check.NotNull(stitched);

    public IReadOnlyList<StitchingTrace> Traces { get; } = Check.NotNull(traces);

    public void Dispose() => Stitched.Dispose();
}

/// <summary>Progress of one tuning step, for progress displays (reported before the step is taken).</summary>
public readonly record struct StitchingProgress(int FirstFrame, int FrameCount, int Iteration, int Iterations, double BorderLoss, double ContentLoss);
