using ServerlessStitch.Models;

namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>Parameters of the alignment stage; defaults are the reference code's (STIT-NOTES "Alignment").</summary>
public sealed record AlignmentOptions
{
    /// <summary>Side of the aligned crop: the generator's resolution (manifest <c>generator.resolution</c>).</summary>
    public required int Resolution { get; init; }

    /// <summary>Gaussian sigma (frames) over time on the quad centres; 0 disables. STIT-NOTES: 1.0.</summary>
    public double CentreSigma { get; init; } = 1.0;

    /// <summary>Gaussian sigma (frames) over time on the quad axes x and y; 0 disables. STIT-NOTES: 3.0.</summary>
    public double AxesSigma { get; init; } = 3.0;

    /// <summary>Kernel radius in sigmas (scipy's gaussian_filter1d truncate, reflect padding). STIT-NOTES: 4.</summary>
    public double KernelRadiusInSigmas { get; init; } = 4.0;

    /// <summary>User zoom of the FFHQ quad (&gt; 1 shows more around the face). STIT-NOTES: 1.0.</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Frames whose mean landmark score is below this have no face (manifest <c>landmarks.min_score</c>, 0.5).</summary>
    public double MinScore { get; init; } = 0.5;

    /// <summary>Options for a model set: its generator resolution and landmark score threshold, paper defaults otherwise.</summary>
    public static AlignmentOptions For(ModelManifest manifest)
    {
        Check.NotNull(manifest);
        return new AlignmentOptions { Resolution = manifest.Models.Generator.Resolution, MinScore = manifest.Models.Landmarks.MinScore };
    }

    internal void Validate()
    {
        Check.Positive(Resolution);
        Check.NotNegative(CentreSigma);
        Check.NotNegative(AxesSigma);
        Check.PositiveFinite(KernelRadiusInSigmas);
        Check.PositiveFinite(Scale);
    }
}
