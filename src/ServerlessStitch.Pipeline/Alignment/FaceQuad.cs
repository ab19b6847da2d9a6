namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// The oriented crop square of one frame: centre <see cref="Centre"/> and half-axes <see cref="X"/> (to the
/// right edge) and <see cref="Y"/> (to the bottom edge), in frame pixel coordinates (STIT-NOTES "Alignment").
/// </summary>
public readonly record struct FaceQuad(Point2 Centre, Point2 X, Point2 Y)
{
    public Point2 TopLeft => Centre - X - Y;

    public Point2 BottomLeft => Centre - X + Y;

    public Point2 BottomRight => Centre + X + Y;

    public Point2 TopRight => Centre + X - Y;

    /// <summary>Corners in the reference order TL, BL, BR, TR (as <c>align.py crop_quad</c>).</summary>
    public Point2[] Corners() => [TopLeft, BottomLeft, BottomRight, TopRight];

    /// <summary>Side length of the square in frame pixels.</summary>
    public double Side => 2 * Math.Max(X.Length, Y.Length);

    /// <summary>
    /// The FFHQ rule on one frame's landmarks (<paramref name="points"/> = x0, y0, x1, y1, ...): eye centres are
    /// the means of the layout's eye points, the mouth is the midpoint of its corners.
    /// </summary>
    public static FaceQuad FromLandmarks(ReadOnlySpan<float> points, LandmarkLayout layout, double scale = 1.0)
    {
        Check.NotNull(layout).Validate();
        Check.PositiveFinite(scale);
        if (points.Length != layout.Points * 2)
        {
            throw new ArgumentException($"Expected {layout.Points} landmarks as {layout.Points * 2} floats (x, y), got {points.Length}.", nameof(points));
        }

        Point2 eyeLeft = Mean(points, layout.LeftEye);
        Point2 eyeRight = Mean(points, layout.RightEye);
        Point2 mouth = 0.5 * (At(points, layout.MouthLeft) + At(points, layout.MouthRight));
        Point2 eyeAvg = 0.5 * (eyeLeft + eyeRight);
        Point2 eyeToEye = eyeRight - eyeLeft;
        Point2 eyeToMouth = mouth - eyeAvg;

        // x points along the eyes, tilted by the eye-mouth direction; its length is the larger of the two
        // face measures so both wide and long faces fit (FFHQ's 2.0 and 1.8).
        Point2 x = eyeToEye - eyeToMouth.Rot90();
        double length = x.Length;
        if (!(length > 0) || !double.IsFinite(length))
        {
            throw new ArgumentException("Landmarks are degenerate (eyes and mouth coincide or are not finite).", nameof(points));
        }
        x *= Math.Max(eyeToEye.Length * 2.0, eyeToMouth.Length * 1.8) * scale / length;
        Point2 y = x.Rot90();
        Point2 centre = eyeAvg + (0.1 * eyeToMouth);
        return new FaceQuad(centre, x, y);
    }

    private static Point2 At(ReadOnlySpan<float> points, int index) => new(points[2 * index], points[(2 * index) + 1]);

    private static Point2 Mean(ReadOnlySpan<float> points, IReadOnlyList<int> indices)
    {
        var sum = new Point2(0, 0);
        foreach (int index in indices)
        {
            sum += At(points, index);
        }
        return sum * (1.0 / indices.Count);
    }
}
