using ServerlessStitch.Pipeline.Alignment;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

public class PerspectiveTransformTests
{
    [Fact]
    public void QuadToCrop_SampleQuad_MapsCornersToCropSquareExactly()
    {
        FaceQuad quad = QuadSmootherTests.SampleQuads("fast")[30];
        var transform = PerspectiveTransform.QuadToCrop(quad, 64);

        AssertClose(new Point2(0, 0), transform.Apply(quad.TopLeft), 1e-9);
        AssertClose(new Point2(64, 0), transform.Apply(quad.TopRight), 1e-9);
        AssertClose(new Point2(64, 64), transform.Apply(quad.BottomRight), 1e-9);
        AssertClose(new Point2(0, 64), transform.Apply(quad.BottomLeft), 1e-9);
        AssertClose(new Point2(32, 32), transform.Apply(quad.Centre), 1e-9);
    }

    [Fact]
    public void Inverse_OfGeneralPerspective_ComposesToIdentity()
    {
        // A true perspective (not affine) quad, so the third row matters.
        var transform = PerspectiveTransform.FromCorrespondences(
            [new(10, 20), new(200, 35), new(230, 240), new(-15, 190)],
            [new(0, 0), new(128, 0), new(128, 128), new(0, 128)]);
        var inverse = transform.Inverse();

        Assert.NotEqual(0, transform.Matrix[6]);
        foreach (Point2 p in new Point2[] { new(0, 0), new(37.5, -12.25), new(511, 300), new(100, 100) })
        {
            AssertClose(p, inverse.Apply(transform.Apply(p)), 1e-9);
            AssertClose(p, transform.Apply(inverse.Apply(p)), 1e-9);
        }
        AssertClose(new Point2(-15, 190), inverse.Apply(new Point2(0, 128)), 1e-9);
    }

    [Fact]
    public void FromCorrespondences_ThreeCollinearPoints_ThrowsDegenerate()
    {
        var ex = Assert.Throws<ArgumentException>(() => PerspectiveTransform.FromCorrespondences(
            [new(0, 0), new(1, 1), new(2, 2), new(3, 3)],
            [new(0, 0), new(1, 0), new(1, 1), new(0, 1)]));
        Assert.Contains("degenerate", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(Point2 expected, Point2 actual, double tolerance)
    {
        Assert.True(Math.Abs(expected.X - actual.X) < tolerance && Math.Abs(expected.Y - actual.Y) < tolerance,
            $"expected {expected}, got {actual}");
    }
}
