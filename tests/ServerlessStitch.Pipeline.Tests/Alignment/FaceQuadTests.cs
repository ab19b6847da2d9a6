using System.Globalization;
using ServerlessStitch.Pipeline.Alignment;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

public class FaceQuadTests(ITestOutputHelper output)
{
    private const string ReferenceQuads = """
        import sys, numpy as np
        from stitchmodels.align import crop_quad
        lm = np.load(sys.argv[1]); scale = float(sys.argv[2])
        for frame in lm:
            print(' '.join(repr(float(v)) for v in crop_quad(frame, scale).reshape(-1)))
        """;

    [Theory]
    [InlineData("calm", 1.0)]
    [InlineData("fast", 1.0)]
    [InlineData("longhair", 1.3)]
    public void FromLandmarks_SampleGroundTruth_MatchesAlignPyWithin1e3Px(string sample, double scale)
    {
        float[][] landmarks = Repository.Landmarks(sample);
        string[] lines = Repository.RunPython(ReferenceQuads, Repository.Sample(sample + ".landmarks.npy"), scale.ToString(CultureInfo.InvariantCulture))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(landmarks.Length, lines.Length);

        double worst = 0;
        for (int i = 0; i < landmarks.Length; i++)
        {
            double[] expected = lines[i].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Point2[] corners = FaceQuad.FromLandmarks(landmarks[i], LandmarkLayout.Ibug68, scale).Corners();
            for (int c = 0; c < 4; c++)
            {
                worst = Math.Max(worst, Math.Max(Math.Abs(corners[c].X - expected[2 * c]), Math.Abs(corners[c].Y - expected[(2 * c) + 1])));
            }
        }
        output.WriteLine($"{sample} (scale {scale}): {landmarks.Length} frames, largest corner difference to align.py {worst:E2} px");
        Assert.True(worst < 1e-3, $"largest corner difference {worst} px");
    }

    [Fact]
    public void FromLandmarks_FivePointLayoutWithSameEyesAndMouth_GivesSameQuad()
    {
        float[] lm68 = Repository.Landmarks("fast")[17];
        var five = new float[10];
        // 5-point model: eye centres at 0 and 1, nose at 2, mouth corners at 3 and 4.
        (five[0], five[1]) = MeanOf(lm68, 36, 41);
        (five[2], five[3]) = MeanOf(lm68, 42, 47);
        (five[4], five[5]) = (lm68[2 * 30], lm68[(2 * 30) + 1]);
        (five[6], five[7]) = (lm68[2 * 48], lm68[(2 * 48) + 1]);
        (five[8], five[9]) = (lm68[2 * 54], lm68[(2 * 54) + 1]);
        var layout = new LandmarkLayout(5, [0], [1], 3, 4);

        FaceQuad expected = FaceQuad.FromLandmarks(lm68, LandmarkLayout.Ibug68);
        FaceQuad actual = FaceQuad.FromLandmarks(five, layout);

        Assert.Equal(expected.Centre.X, actual.Centre.X, 3);
        Assert.Equal(expected.Centre.Y, actual.Centre.Y, 3);
        Assert.Equal(expected.X.X, actual.X.X, 3);
        Assert.Equal(expected.Y.Y, actual.Y.Y, 3);
    }

    [Fact]
    public void FromLandmarks_WrongPointCount_ThrowsNamingCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => FaceQuad.FromLandmarks(new float[10], LandmarkLayout.Ibug68));
        Assert.Contains("68", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLandmarks_AllPointsEqual_ThrowsDegenerate()
    {
        var ex = Assert.Throws<ArgumentException>(() => FaceQuad.FromLandmarks(new float[136], LandmarkLayout.Ibug68));
        Assert.Contains("degenerate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLandmarks_LayoutIndexOutsidePoints_ThrowsNamingIndex()
    {
        var layout = new LandmarkLayout(5, [0], [7], 3, 4);
        var ex = Assert.Throws<ArgumentException>(() => FaceQuad.FromLandmarks(new float[10], layout));
        Assert.Contains("index 7", ex.Message, StringComparison.Ordinal);
    }

    private static (float X, float Y) MeanOf(float[] lm, int first, int last)
    {
        float x = 0, y = 0;
        for (int i = first; i <= last; i++)
        {
            x += lm[2 * i];
            y += lm[(2 * i) + 1];
        }
        int n = last - first + 1;
        return (x / n, y / n);
    }
}
