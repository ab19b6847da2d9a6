using ServerlessStitch.Pipeline.Alignment;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

public class MissingFaceFillerTests
{
    private static readonly FaceQuad A = new(new Point2(100, 50), new Point2(40, 0), new Point2(0, 40));
    private static readonly FaceQuad B = new(new Point2(130, 80), new Point2(20, 10), new Point2(-10, 20));

    [Fact]
    public void Fill_GapBetweenFaces_InterpolatesLinearly()
    {
        IReadOnlyList<FaceQuad> filled = MissingFaceFiller.Fill([A, null, null, B], 0.5);

        Assert.Equal(A, filled[0]);
        Assert.Equal(B, filled[3]);
        Assert.Equal(110, filled[1].Centre.X, 9);
        Assert.Equal(60, filled[1].Centre.Y, 9);
        Assert.Equal(120, filled[2].Centre.X, 9);
        Assert.Equal(20 + (20 / 3.0), filled[2].X.X, 9);
        Assert.Equal(-10 * (2 / 3.0), filled[2].Y.X, 9);
    }

    [Fact]
    public void Fill_MissingAtBothEnds_HoldsNearestFace()
    {
        IReadOnlyList<FaceQuad> filled = MissingFaceFiller.Fill([null, null, A, B, null], 0.5);

        Assert.Equal([A, A, A, B, B], filled);
    }

    [Fact]
    public void Fill_NoFaceAnywhere_ThrowsNoFaceFoundNamingFrameCount()
    {
        var ex = Assert.Throws<NoFaceFoundException>(() => MissingFaceFiller.Fill([null, null, null], 0.5));

        Assert.Equal(3, ex.FrameCount);
        Assert.Contains("3 frames", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LowScoreFrames_TakeInterpolatedQuadAndAllLowThrows()
    {
        float[][] landmarks = Repository.Landmarks("calm").Take(5).ToArray();
        float[][] detections = landmarks.Select((lm, i) => WithScore(lm, i == 2 ? 0.1f : 0.9f)).ToArray();
        var options = new AlignmentOptions { Resolution = 64, CentreSigma = 0, AxesSigma = 0 };
        var track = new FaceTrack(options, LandmarkLayout.Ibug68);

        IReadOnlyList<FaceQuad> quads = track.Build(detections);

        FaceQuad q1 = FaceQuad.FromLandmarks(landmarks[1], LandmarkLayout.Ibug68);
        FaceQuad q3 = FaceQuad.FromLandmarks(landmarks[3], LandmarkLayout.Ibug68);
        Assert.Equal((q1.Centre.X + q3.Centre.X) / 2, quads[2].Centre.X, 9);
        Assert.Equal((q1.X.Y + q3.X.Y) / 2, quads[2].X.Y, 9);
        Assert.Throws<NoFaceFoundException>(() => track.Build(landmarks.Select(lm => WithScore(lm, 0.2f)).ToArray()));
    }

    private static float[] WithScore(float[] xy, float score)
    {
        var result = new float[xy.Length / 2 * 3];
        for (int p = 0; p < xy.Length / 2; p++)
        {
            (result[3 * p], result[(3 * p) + 1], result[(3 * p) + 2]) = (xy[2 * p], xy[(2 * p) + 1], score);
        }
        return result;
    }
}
