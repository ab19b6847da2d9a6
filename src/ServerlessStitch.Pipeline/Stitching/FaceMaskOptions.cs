using ServerlessStitch.Models;

namespace ServerlessStitch.Pipeline.Stitching;

/// <summary>Which aligned crop the segmenter reads for the stitching masks.</summary>
public enum MaskSource
{
    /// <summary>The original aligned crop, as the reference code does (STIT-NOTES "Stitching tuning").</summary>
    Original,

    /// <summary>The edited crop G(w + δw), as the paper's Figure 3 shows.</summary>
    Edited,
}

/// <summary>
/// Parameters of the stitching masks (paper §3.4, STIT-NOTES "Stitching tuning"). The reference defines its sizes on
/// 512-pixel segmentations (51×51 dilation, 25-pixel edge band; doubled at 1024); they are scaled to the resolution
/// the masks are computed at, which is the segmenter's input resolution.
/// </summary>
public sealed record FaceMaskOptions
{
    /// <summary>The segmenter classes whose union is the face (manifest <c>segmenter.face_classes</c>).</summary>
    public required IReadOnlyList<int> FaceClasses { get; init; }

    /// <summary>The resolution at which the sizes below are given. STIT-NOTES: 512.</summary>
    public int ReferenceResolution { get; init; } = 512;

    /// <summary>Side of the square that dilates the face into the full mask, at the reference resolution. STIT-NOTES: 51.</summary>
    public int DilationSize { get; init; } = 51;

    /// <summary>Width of the band along the crop's edge where the face itself counts as border, at the reference resolution. STIT-NOTES: 25.</summary>
    public int EdgeBand { get; init; } = 25;

    /// <summary>Which crop is segmented. STIT-NOTES (reference code): the original.</summary>
    public MaskSource Source { get; init; } = MaskSource.Original;

    /// <summary>Reference options with the model set's face classes.</summary>
    public static FaceMaskOptions For(ModelManifest manifest)
    {
        Check.NotNull(manifest);
        return new FaceMaskOptions { FaceClasses = manifest.Models.Segmenter.FaceClasses };
    }

    /// <summary>The dilation square at <paramref name="resolution"/>: odd, at least 1 (7 at 64, 51 at 512).</summary>
    public int DilationAt(int resolution) => OddScaled(DilationSize, resolution);

    /// <summary>The edge band in pixels at <paramref name="resolution"/> (3 at 64, 25 at 512).</summary>
    public int EdgeBandAt(int resolution) =>
        (int)Math.Round(EdgeBand * (double)Check.Positive(resolution) / ReferenceResolution, MidpointRounding.AwayFromZero);

    internal void Validate(int classes)
    {
        Check.NotNull(FaceClasses);
        Check.Positive(ReferenceResolution);
        Check.Positive(DilationSize);
        if (EdgeBand < 0)
        {
            throw new ArgumentException($"EdgeBand must not be negative, got {EdgeBand}.");
        }
        if (FaceClasses.Count == 0 || FaceClasses.Any(c => c < 0 || c >= classes))
        {
            throw new ArgumentException(
                $"Face classes [{string.Join(", ", FaceClasses)}] must be a non-empty set of segmenter classes 0..{classes - 1}.");
        }
    }

    // Same rounding as MaskFeathering.ForResolution, so the dilation and the feathering kernels stay equal at every size.
    private int OddScaled(int size, int resolution)
    {
        double scaled = size * (double)Check.Positive(resolution) / ReferenceResolution;
        return Math.Max(1, (2 * (int)Math.Round((scaled - 1) / 2, MidpointRounding.AwayFromZero)) + 1);
    }
}
