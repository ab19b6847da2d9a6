using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

public class FrameCompositorTests(ITestOutputHelper output)
{
    // Larger than the calm face's quad (about 160 px), so the crop keeps the frame's detail and the round trip
    // measures the two warps rather than a downscale.
    private const int R = 192;

    [Fact]
    public async Task Composite_OwnCropWithFullAlpha_ReproducesFrameInsideQuad()
    {
        (Frame frame, FaceQuad quad) = await CalmFrameAsync();
        using Tensor crops = new CropWarper(R).Warp([frame], [quad]);
        using Tensor alpha = ones([R, R]);
        using Tensor crop = crops.select(0, 0);

        Frame result = new FrameCompositor(R).Composite(frame, quad, crop, alpha);

        // Inside the quad (2 px in from its edges) the pixels went frame -> crop -> frame: two bilinear resamplings.
        var toCrop = PerspectiveTransform.QuadToCrop(quad, R);
        double sum = 0;
        int count = 0, worst = 0;
        for (int i = 0; i < frame.Width * frame.Height; i++)
        {
            Point2 c = toCrop.Apply(new Point2(i % frame.Width, i / frame.Width));
            if (c.X > 2 && c.X < R - 2 && c.Y > 2 && c.Y < R - 2)
            {
                for (int k = 0; k < 3; k++)
                {
                    int d = Math.Abs(result.Pixels[(3 * i) + k] - frame.Pixels[(3 * i) + k]);
                    sum += d;
                    worst = Math.Max(worst, d);
                    count++;
                }
            }
        }
        double mean = sum / count;
        output.WriteLine($"round trip inside the quad: mean abs error {mean:F3} levels, worst {worst}, {count / 3} pixels");
        Assert.True(count > 3 * 100 * 100, $"only {count} samples inside the quad");
        Assert.True(mean < 2.0, $"mean abs error inside the quad {mean:F3} levels (worst {worst})");
    }

    [Fact]
    public void Composite_SmoothBlobRoundTrip_RegisteredWithinTwoLevels()
    {
        // A smooth image leaves no interpolation excuse: a half-pixel misregistration between the crop warp
        // and its inverse would show here as tens of levels on the blob's slopes.
        Frame frame = Synthetic.Blob(200, 160, 90, 85, sigma: 12);
        var x = new Point2(60 * Math.Cos(-0.4), 60 * Math.Sin(-0.4));
        var quad = new FaceQuad(new Point2(100, 80), x, x.Rot90());
        using Tensor crops = new CropWarper(R).Warp([frame], [quad]);
        using Tensor crop = crops.select(0, 0);
        using Tensor alpha = ones([R, R]);

        Frame result = new FrameCompositor(R).Composite(frame, quad, crop, alpha);

        var toCrop = PerspectiveTransform.QuadToCrop(quad, R);
        int worst = 0;
        for (int i = 0; i < frame.Width * frame.Height; i++)
        {
            Point2 c = toCrop.Apply(new Point2(i % frame.Width, i / frame.Width));
            if (c.X > 2 && c.X < R - 2 && c.Y > 2 && c.Y < R - 2)
            {
                worst = Math.Max(worst, Math.Abs(result.Pixels[3 * i] - frame.Pixels[3 * i]));
            }
        }
        output.WriteLine($"smooth blob round trip: worst {worst} levels");
        Assert.True(worst <= 2, $"worst round-trip error {worst} levels");
    }

    [Fact]
    public async Task Composite_DiscMask_PixelsOutsideWarpedMaskAreBitExactAndInputUntouched()
    {
        (Frame frame, FaceQuad quad) = await CalmFrameAsync();
        byte[] before = (byte[])frame.Pixels.Clone();
        using Tensor white = ones([3, R, R]);
        using Tensor alpha = DiscMask(R, radius: R / 4.0);

        Frame result = new FrameCompositor(R).Composite(frame, quad, white, alpha);

        Assert.Equal(before, frame.Pixels);
        var toCrop = PerspectiveTransform.QuadToCrop(quad, R);
        int changed = 0, outside = 0;
        for (int i = 0; i < frame.Width * frame.Height; i++)
        {
            Point2 c = toCrop.Apply(new Point2(i % frame.Width, i / frame.Width));
            double distance = (c - new Point2(R / 2.0, R / 2.0)).Length;
            bool differs = result.Pixels[3 * i] != frame.Pixels[3 * i] || result.Pixels[(3 * i) + 1] != frame.Pixels[(3 * i) + 1]
                || result.Pixels[(3 * i) + 2] != frame.Pixels[(3 * i) + 2];
            if (distance > (R / 4.0) + 1.5)
            {
                // Beyond the disc plus one bilinear tap the warped alpha is exactly 0: the input byte, bit for bit.
                Assert.False(differs, $"pixel ({i % frame.Width}, {i / frame.Width}) changed outside the mask");
                outside++;
            }
            changed += differs ? 1 : 0;
        }
        output.WriteLine($"disc paste: {changed} pixels changed, {outside} pixels outside the mask all bit-exact");
        Assert.True(changed > 1000, $"only {changed} pixels pasted");
        Assert.True(outside > frame.Width * frame.Height / 2);
    }

    [Fact]
    public void Composite_UniformCropFullAlpha_EdgeBlendsBetweenFrameAndCropWithoutDarkFringe()
    {
        // Where the crop's edge lands inside the frame, the pasted colour must lie between the frame's and the crop's:
        // sampling beyond the crop's edge as black would pull edge pixels below both (a dark seam where hair crosses
        // the crop border).
        var frame = Frame.Rgb(0, 200, 160, Enumerable.Repeat((byte)50, 200 * 160 * 3).ToArray());
        var x = new Point2(40 * Math.Cos(0.3), 40 * Math.Sin(0.3));
        var quad = new FaceQuad(new Point2(100, 80), x, x.Rot90());
        using Tensor crop = ones([3, 16, 16]) * 0.6;                                                  // level 204
        using Tensor alpha = ones([16, 16]);

        Frame result = new FrameCompositor(16).Composite(frame, quad, crop, alpha);

        Assert.All(result.Pixels, p => Assert.InRange(p, (byte)50, (byte)204));
        Assert.Contains(result.Pixels, p => p is > 60 and < 194);   // the partly covered edge pixels exist
        Assert.Contains(result.Pixels, p => p == 204);
    }

    [Fact]
    public void Composite_QuadOutsideFrame_ReturnsEqualCopy()
    {
        Frame frame = Synthetic.Checkerboard(40, 30);
        var quad = new FaceQuad(new Point2(500, 500), new Point2(10, 0), new Point2(0, 10));
        using Tensor crop = zeros([3, 8, 8]);
        using Tensor alpha = ones([8, 8]);

        Frame result = new FrameCompositor(8).Composite(frame, quad, crop, alpha);

        Assert.NotSame(frame.Pixels, result.Pixels);
        Assert.Equal(frame.Pixels, result.Pixels);
    }

    [Fact]
    public void Composite_WrongCropShape_ThrowsNamingShape()
    {
        Frame frame = Synthetic.Checkerboard(40, 30);
        var quad = new FaceQuad(new Point2(20, 15), new Point2(10, 0), new Point2(0, 10));
        using Tensor crop = zeros([3, 16, 16]);
        using Tensor alpha = ones([8, 8]);

        var ex = Assert.Throws<ArgumentException>(() => new FrameCompositor(8).Composite(frame, quad, crop, alpha));
        Assert.Contains("[3, 8, 8]", ex.Message, StringComparison.Ordinal);
    }

    internal static Tensor DiscMask(int resolution, double radius)
    {
        var values = new float[resolution * resolution];
        for (int i = 0; i < values.Length; i++)
        {
            double dx = (i % resolution) + 0.5 - (resolution / 2.0), dy = (i / resolution) + 0.5 - (resolution / 2.0);
            values[i] = Math.Sqrt((dx * dx) + (dy * dy)) <= radius ? 1f : 0f;
        }
        return tensor(values, [resolution, resolution]);
    }

    private static async Task<(Frame Frame, FaceQuad Quad)> CalmFrameAsync()
    {
        Frame[] frames = await Repository.DecodeAsync("calm.mp4", 5, 6);
        return (frames[0], FaceQuad.FromLandmarks(Repository.Landmarks("calm")[5], LandmarkLayout.Ibug68));
    }
}
