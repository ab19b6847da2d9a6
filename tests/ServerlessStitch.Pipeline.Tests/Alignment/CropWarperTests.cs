using System.Globalization;
using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

public class CropWarperTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(64.0)]   // quad side = R: no shrink
    [InlineData(200.0)]  // quad side ≈ 3R: box-shrunk by 3 first
    public void Warp_BlobAtKnownFramePixel_LandsWhereHomographySays(double side)
    {
        // A rotated quad around (150, 110); the blob sits off-centre so rotation and position both matter.
        double angle = 0.3, half = side / 2;
        var x = new Point2(Math.Cos(angle) * half, Math.Sin(angle) * half);
        var quad = new FaceQuad(new Point2(150, 110), x, x.Rot90());
        var blobAt = new Point2(150 + (0.3 * side), 110 - (0.15 * side));
        Frame frame = Synthetic.Blob(320, 240, blobAt.X, blobAt.Y, sigma: side / 40);
        var warper = new CropWarper(64);

        using Tensor crops = warper.Warp([frame], [quad]);

        Point2 expected = PerspectiveTransform.QuadToCrop(quad, 64).Apply(blobAt);
        Point2 found = Synthetic.Centroid(Synthetic.Channel0(crops, 0), 64, floor: -0.9f);
        output.WriteLine($"side {side}: blob expected at {expected}, found at {found}, shrink {warper.ShrinkFactor(quad)}");
        Assert.True(Math.Abs(found.X - expected.X) < 0.3 && Math.Abs(found.Y - expected.Y) < 0.3,
            $"blob expected at crop {expected}, found at {found} (shrink {warper.ShrinkFactor(quad)})");
    }

    [Fact]
    public void Warp_QuadPartlyOutsideFrame_OutsideIsBlackMinusOne()
    {
        Frame frame = Frame.Rgb(0, 100, 100, Enumerable.Repeat((byte)200, 100 * 100 * 3).ToArray());
        // Left half of the quad lies left of the frame (x < 0).
        var quad = new FaceQuad(new Point2(0, 50), new Point2(32, 0), new Point2(0, 32));

        using Tensor crops = new CropWarper(64).Warp([frame], [quad]);

        float[] c = Synthetic.Channel0(crops, 0);
        for (int row = 0; row < 64; row++)
        {
            for (int col = 0; col < 30; col++)
            {
                Assert.Equal(-1f, c[(row * 64) + col]);
            }
        }
        Assert.All(c.Skip(40).Take(20), v => Assert.Equal((200 / 127.5f) - 1, v, 5));
    }

    [Fact]
    public void Warp_CheckerboardQuadFourTimesR_IsSmoothGreyNotAliased()
    {
        Frame frame = Synthetic.Checkerboard(320, 320);
        var x = new Point2(128 * Math.Cos(0.2), 128 * Math.Sin(0.2));
        var quad = new FaceQuad(new Point2(160, 160), x, x.Rot90());
        var warper = new CropWarper(64);

        using Tensor crops = warper.Warp([frame], [quad]);

        // Interior only (the rotated square's corners leave the frame). Without the shrink, bilinear taps
        // 4 px apart would pick near-random black/white and the std would be large.
        using Tensor centre = crops.narrow(2, 16, 32).narrow(3, 16, 32);
        float[] values = centre.contiguous().data<float>();
        double mean = values.Average(), std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        output.WriteLine($"checkerboard crop: mean {mean:F4}, std {std:F4}");
        Assert.Equal(4, warper.ShrinkFactor(quad));
        Assert.InRange(mean, -0.05, 0.05);
        Assert.True(std < 0.05, $"std {std:F4} in [-1, 1] units");
    }

    [Theory]
    [InlineData(64)]  // shrink 2 on these frames
    [InlineData(32)]  // shrink 4
    public async Task Warp_CalmFrames_MatchesAlignPyAlignedCropWithin1Level(int resolution)
    {
        Frame[] frames = await Repository.DecodeAsync("calm.mp4", 0, 3);
        float[][] landmarks = Repository.Landmarks("calm");
        FaceQuad[] quads = frames.Select(f => FaceQuad.FromLandmarks(landmarks[f.Index], LandmarkLayout.Ibug68)).ToArray();

        using Tensor crops = new CropWarper(resolution).Warp(frames, quads);
        using Tensor bytes = ((crops + 1.0) * 127.5).round().clamp(0, 255).to(uint8).permute(0, 2, 3, 1).contiguous();
        byte[] ours = bytes.data<byte>();

        string dir = Directory.CreateTempSubdirectory("pipeline-align-").FullName;
        try
        {
            string framesPath = Path.Combine(dir, "frames.rgb");
            await File.WriteAllBytesAsync(framesPath, frames.SelectMany(f => f.Pixels).ToArray());
            string reference = Path.Combine(dir, "crops.rgb");
            Repository.RunPython("""
                import sys, numpy as np
                from stitchmodels.align import aligned_crop
                frames_path, lm_path, out, n, h, w, r = sys.argv[1:8]
                n, h, w, r = int(n), int(h), int(w), int(r)
                frames = np.fromfile(frames_path, dtype=np.uint8).reshape(n, h, w, 3)
                lm = np.load(lm_path)
                np.stack([aligned_crop(frames[i], lm[i], r) for i in range(n)]).tofile(out)
                """,
                framesPath, Repository.Sample("calm.landmarks.npy"), reference,
                frames.Length.ToString(CultureInfo.InvariantCulture), frames[0].Height.ToString(CultureInfo.InvariantCulture),
                frames[0].Width.ToString(CultureInfo.InvariantCulture), resolution.ToString(CultureInfo.InvariantCulture));
            byte[] theirs = await File.ReadAllBytesAsync(reference);

            Assert.Equal(theirs.Length, ours.Length);
            int[] diff = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).ToArray();
            int worst = diff.Max();
            output.WriteLine($"R {resolution}: vs align.py max {worst} levels, {diff.Count(d => d != 0)} of {diff.Length} values differ");
            Assert.True(worst <= 1, $"largest difference to align.py: {worst} levels");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Warp_CalmWithSmoothedTrack_EyesAtFfhqPositions()
    {
        const int r = 64;
        float[][] landmarks = Repository.Landmarks("calm");
        float[][] detections = landmarks.Select(lm => Enumerable.Range(0, 68).SelectMany(p => new[] { lm[2 * p], lm[(2 * p) + 1], 1f }).ToArray()).ToArray();
        IReadOnlyList<FaceQuad> track = new FaceTrack(new AlignmentOptions { Resolution = r }, LandmarkLayout.Ibug68).Build(detections);
        Frame[] frames = await Repository.DecodeAsync("calm.mp4", 20, 21);

        using Tensor crops = new CropWarper(r).Warp(frames, [track[20]]);

        // FFHQ puts the eyes at 3/8 and 5/8 of the width, 0.475 of the height (x axis = 2·|e2e| here).
        var transform = PerspectiveTransform.QuadToCrop(track[20], r);
        Point2 left = transform.Apply(Mean(landmarks[20], 36, 41)), right = transform.Apply(Mean(landmarks[20], 42, 47));
        output.WriteLine($"eyes in the crop: left {left}, right {right}");
        Assert.True(Math.Abs(left.X - (0.375 * r)) < 2 && Math.Abs(left.Y - (0.475 * r)) < 2, $"left eye at {left}");
        Assert.True(Math.Abs(right.X - (0.625 * r)) < 2 && Math.Abs(right.Y - (0.475 * r)) < 2, $"right eye at {right}");
        // The face (bright skin) fills the centre; the frame is never left (no black -1 border).
        Assert.True(crops.min().item<float>() > -1f);

        if (Environment.GetEnvironmentVariable("PIPELINE_TEST_PNG_DIR") is { } pngDir)
        {
            using Tensor image = ((crops.select(0, 0) + 1.0) * 127.5).round().clamp(0, 255).to(uint8).permute(1, 2, 0).contiguous();
            await PngWriter.WriteFileAsync(Path.Combine(pngDir, "aligned-calm-20.png"), Frame.Rgb(20, r, r, image.data<byte>()));
        }
    }

    [Fact]
    public void Warp_MismatchedQuadCount_Throws()
    {
        Frame frame = Synthetic.Checkerboard(16, 16);
        Assert.Throws<ArgumentException>(() => new CropWarper(8).Warp([frame, frame], [new FaceQuad(new(8, 8), new(4, 0), new(0, 4))]));
    }

    private static Point2 Mean(float[] lm, int first, int last)
    {
        var sum = new Point2(0, 0);
        for (int i = first; i <= last; i++)
        {
            sum += new Point2(lm[2 * i], lm[(2 * i) + 1]);
        }
        return sum * (1.0 / (last - first + 1));
    }
}
