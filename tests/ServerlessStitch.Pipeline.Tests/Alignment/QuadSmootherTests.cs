using ServerlessStitch.Pipeline.Alignment;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

public class QuadSmootherTests(ITestOutputHelper output)
{
    private static readonly AlignmentOptions Defaults = new() { Resolution = 64 };

    [Fact]
    public void Smooth_SigmaZero_ReturnsInputExactly()
    {
        FaceQuad[] quads = SampleQuads("fast");
        var smoother = new QuadSmoother(Defaults with { CentreSigma = 0, AxesSigma = 0 });

        Assert.Equal(quads, smoother.Smooth(quads));
    }

    [Fact]
    public void Smooth_ConstantTrack_UnchangedIncludingEnds()
    {
        var quad = new FaceQuad(new Point2(120.25, 98.5), new Point2(40, 3), new Point2(-3, 40));
        FaceQuad[] quads = Enumerable.Repeat(quad, 20).ToArray();

        IReadOnlyList<FaceQuad> smoothed = new QuadSmoother(Defaults).Smooth(quads);

        foreach (FaceQuad q in smoothed)
        {
            Assert.Equal(quad.Centre.X, q.Centre.X, 9);
            Assert.Equal(quad.Centre.Y, q.Centre.Y, 9);
            Assert.Equal(quad.X.X, q.X.X, 9);
            Assert.Equal(quad.Y.X, q.Y.X, 9);
        }
    }

    [Fact]
    public void Smooth_NoisyFastSample_CutsJitterByLargeFactor()
    {
        FaceQuad[] clean = SampleQuads("fast");
        var random = new Random(1234);
        // Detector-like jitter: 1.5 px on the centre, 2% on the axes, independent per frame.
        FaceQuad[] noisy = clean.Select(q => new FaceQuad(
            q.Centre + new Point2(Gaussian(random) * 1.5, Gaussian(random) * 1.5),
            q.X * (1 + (0.02 * Gaussian(random))),
            q.Y * (1 + (0.02 * Gaussian(random))))).ToArray();

        IReadOnlyList<FaceQuad> smoothed = new QuadSmoother(Defaults).Smooth(noisy);

        double before = Jitter(noisy), after = Jitter(smoothed), ground = Jitter(clean);
        output.WriteLine($"jitter noisy {before:F3} px, smoothed {after:F3} px (x{before / after:F1} lower), clean track {ground:F3} px");
        Assert.True(after < before / 5, $"jitter (std of 2nd differences of the corners) noisy {before:F3} px, smoothed {after:F3} px, clean {ground:F3} px");
    }

    [Fact]
    public void Smooth_RampTrack_EndsAreNotPulledTowardsZero()
    {
        // A steady drift: reflect padding mirrors the video's own frames, so the first and last smoothed
        // centres stay within a fraction of a frame's motion of the input (zero padding would drag them to 0).
        FaceQuad[] quads = Enumerable.Range(0, 30)
            .Select(i => new FaceQuad(new Point2(100 + i, 80), new Point2(40, 0), new Point2(0, 40))).ToArray();

        IReadOnlyList<FaceQuad> smoothed = new QuadSmoother(Defaults).Smooth(quads);

        Assert.InRange(smoothed[0].Centre.X, 100, 101);
        Assert.InRange(smoothed[^1].Centre.X, 128, 129);
        Assert.Equal(40, smoothed[0].X.X, 9);
        Assert.Equal(114.5, (smoothed[14].Centre.X + smoothed[15].Centre.X) / 2, 9);
    }

    [Theory]
    [InlineData(-1, 3, 0)]
    [InlineData(-2, 3, 1)]
    [InlineData(3, 3, 2)]
    [InlineData(5, 3, 0)]
    [InlineData(6, 3, 0)]
    [InlineData(-7, 3, 0)]
    public void Reflect_IndexOutsideVideo_MirrorsLikeScipyReflect(int index, int count, int expected)
    {
        // scipy.ndimage mode 'reflect': (d c b a | a b c d | d c b a).
        Assert.Equal(expected, GaussianFilter1D.Reflect(index, count));
    }

    [Fact]
    public void Kernel_SigmaOne_HasRadiusFourAndUnitSum()
    {
        double[] kernel = GaussianFilter1D.Kernel(1.0, 4.0);

        Assert.Equal(9, kernel.Length);
        Assert.Equal(1.0, kernel.Sum(), 12);
        Assert.Equal(Math.Exp(-0.5), kernel[5] / kernel[4], 12);
    }

    [Fact]
    public void Constructor_NegativeSigma_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuadSmoother(Defaults with { AxesSigma = -1 }));
    }

    internal static FaceQuad[] SampleQuads(string sample) =>
        Repository.Landmarks(sample).Select(lm => FaceQuad.FromLandmarks(lm, LandmarkLayout.Ibug68)).ToArray();

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Standard deviation of the second differences over time of all corner coordinates.</summary>
    private static double Jitter(IReadOnlyList<FaceQuad> quads)
    {
        var values = new List<double>();
        for (int t = 1; t < quads.Count - 1; t++)
        {
            Point2[] a = quads[t - 1].Corners(), b = quads[t].Corners(), c = quads[t + 1].Corners();
            for (int k = 0; k < 4; k++)
            {
                values.Add(a[k].X - (2 * b[k].X) + c[k].X);
                values.Add(a[k].Y - (2 * b[k].Y) + c[k].Y);
            }
        }
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}
