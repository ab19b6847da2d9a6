namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// Temporal low-pass of the crop quads: centres with one sigma, axes with another (paper §3.1, STIT-NOTES
/// "Alignment"). Smoothing the quads rather than the crops is what makes consecutive crops jitter-free;
/// it runs once per video and every later stage reuses the result.
/// </summary>
public sealed class QuadSmoother(AlignmentOptions options)
{
    private readonly AlignmentOptions options = Validated(options);

    public IReadOnlyList<FaceQuad> Smooth(IReadOnlyList<FaceQuad> quads)
    {
        Check.NotNull(quads);
        Point2[] centres = GaussianFilter1D.Apply(quads.Select(q => q.Centre).ToArray(), options.CentreSigma, options.KernelRadiusInSigmas);
        Point2[] xs = GaussianFilter1D.Apply(quads.Select(q => q.X).ToArray(), options.AxesSigma, options.KernelRadiusInSigmas);
        Point2[] ys = GaussianFilter1D.Apply(quads.Select(q => q.Y).ToArray(), options.AxesSigma, options.KernelRadiusInSigmas);
        var result = new FaceQuad[quads.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new FaceQuad(centres[i], xs[i], ys[i]);
        }
        return result;
    }

    private static AlignmentOptions Validated(AlignmentOptions options)
    {
        Check.NotNull(options).Validate();
        return options;
    }
}
