using ServerlessStitch.Pipeline.Alignment;

namespace ServerlessStitch.Pipeline.Job;

/// <summary><c>alignment.json</c>: the smoothed crop quads of every frame (centre, half-axis x, half-axis y) and the settings that made them.</summary>
public sealed record AlignmentRecord(int Resolution, double CentreSigma, double AxesSigma, double Scale, IReadOnlyList<double[]> Quads)
{
    public static AlignmentRecord From(AlignmentOptions options, IReadOnlyList<FaceQuad> quads) =>
        new(options.Resolution, options.CentreSigma, options.AxesSigma, options.Scale,
            [.. quads.Select(q => new[] { q.Centre.X, q.Centre.Y, q.X.X, q.X.Y, q.Y.X, q.Y.Y })]);

    public IReadOnlyList<FaceQuad> ToQuads() =>
        [.. Quads.Select(q => new FaceQuad(new Point2(q[0], q[1]), new Point2(q[2], q[3]), new Point2(q[4], q[5])))];
}
