using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Alignment;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

/// <summary>The demo landmark model (models/demo/landmarks.pt) on the calm sample, through the whole quad path.</summary>
public class LandmarkDetectorTests(ITestOutputHelper output)
{
    private static string ModelPath => Path.Combine(Repository.Root, "models", "demo", "landmarks.pt");

    [Fact]
    public async Task Detect_CalmFrames_QuadsCloseToGroundTruthQuads()
    {
        Frame[] frames = await Repository.DecodeAsync("calm.mp4", 0, 4);
        float[][] truth = Repository.Landmarks("calm");
        using var model = jit.load(ModelPath);
        model.eval();

        IReadOnlyList<float[]> detections = new LandmarkDetector(model, LandmarkLayout.Ibug68).Detect(frames);
        var options = new AlignmentOptions { Resolution = 64, CentreSigma = 0, AxesSigma = 0 };
        IReadOnlyList<FaceQuad> quads = new FaceTrack(options, LandmarkLayout.Ibug68).Build(detections);

        double worstCorner = 0, pointError = 0;
        for (int i = 0; i < frames.Length; i++)
        {
            Point2[] expected = FaceQuad.FromLandmarks(truth[i], LandmarkLayout.Ibug68).Corners(), actual = quads[i].Corners();
            worstCorner = Math.Max(worstCorner, expected.Zip(actual, (a, b) => (a - b).Length).Max());
            pointError += Enumerable.Range(0, 68).Average(p =>
                new Point2(detections[i][3 * p] - truth[i][2 * p], detections[i][(3 * p) + 1] - truth[i][(2 * p) + 1]).Length) / frames.Length;
        }
        output.WriteLine($"demo landmark model on calm frames 0-3: mean point error {pointError:F3} px, worst quad corner {worstCorner:F3} px (quad side {quads[0].Side:F1} px)");
        Assert.True(pointError < 2.5, $"mean landmark error {pointError:F3} px");
        Assert.True(worstCorner < 4, $"worst quad corner off by {worstCorner:F3} px");
    }

    [Fact]
    public void Detect_BlankFrames_ScoreLowAndTrackThrowsNoFaceFound()
    {
        Frame grey = Frame.Rgb(0, 128, 96, Enumerable.Repeat((byte)128, 128 * 96 * 3).ToArray());
        using var model = jit.load(ModelPath);
        model.eval();

        IReadOnlyList<float[]> detections = new LandmarkDetector(model, LandmarkLayout.Ibug68).Detect([grey, grey]);

        Assert.All(detections, d => Assert.True(Enumerable.Range(0, 68).Average(p => d[(3 * p) + 2]) < 0.5));
        var track = new FaceTrack(new AlignmentOptions { Resolution = 64 }, LandmarkLayout.Ibug68);
        Assert.Throws<NoFaceFoundException>(() => track.Build(detections));
    }

    [Fact]
    public void Detect_ModelWithOtherPointCount_ThrowsNamingContract()
    {
        using var model = jit.load(ModelPath);
        var fivePoints = new LandmarkLayout(5, [0], [1], 3, 4);
        Frame grey = Frame.Rgb(0, 64, 64, new byte[64 * 64 * 3]);

        var ex = Assert.Throws<InvalidOperationException>(() => new LandmarkDetector(model, fivePoints).Detect([grey]));
        Assert.Contains("[5, 3]", ex.Message, StringComparison.Ordinal);
    }
}
