using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Pipeline.Stitching;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Tests.Stitching;

[Collection(StitchingTestGroup.Name)]
public class StitchedFramePasterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Paste_CalmFrames_EveryPixelOutsideDilatedMaskBitExact(bool feathered)
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        var paster = new StitchedFramePaster(data.Resolution, feathered);
        byte[][] inputs = [.. data.Frames.Select(f => (byte[])f.Pixels.Clone())];
        using var scope = NewDisposeScope();

        IReadOnlyList<Frame> pasted = paster.Paste(data.Frames, data.Quads, data.Edited, data.Masks.Full);

        for (int n = 0; n < data.Frames.Length; n++)
        {
            Frame frame = data.Frames[n];
            Assert.Equal(inputs[n], frame.Pixels);
            bool[] nearMask = NearMask(data.Masks.Full.select(0, n).select(0, 0), data.Quads[n], data.Resolution, frame.Width, frame.Height);
            int changed = 0, outside = 0;
            for (int i = 0; i < frame.Width * frame.Height; i++)
            {
                bool differs = pasted[n].Pixels[3 * i] != frame.Pixels[3 * i] || pasted[n].Pixels[(3 * i) + 1] != frame.Pixels[(3 * i) + 1]
                    || pasted[n].Pixels[(3 * i) + 2] != frame.Pixels[(3 * i) + 2];
                if (!nearMask[i])
                {
                    Assert.False(differs, $"frame {n}: pixel ({i % frame.Width}, {i / frame.Width}) outside the dilated mask changed");
                    outside++;
                }
                changed += differs ? 1 : 0;
            }
            if (n == 0)
            {
                output.WriteLine($"feathered {feathered}: frame 0 {changed} pixels changed, all {outside} of {frame.Width * frame.Height} pixels outside the dilated mask bit-exact");
            }
            Assert.True(changed > 500, $"frame {n}: only {changed} pixels pasted");
            Assert.True(outside > frame.Width * frame.Height / 2);
        }
    }

    [Fact]
    public async Task Alpha_Feathered_StaysInsideFullMaskAndSoftensIt()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        using var scope = NewDisposeScope();

        Tensor hard = new StitchedFramePaster(data.Resolution).Alpha(data.Masks.Full);
        Tensor soft = new StitchedFramePaster(data.Resolution, feathered: true).Alpha(data.Masks.Full);

        Assert.Equal(data.Masks.Full.data<float>(), hard.data<float>());
        Assert.Equal(0, (soft - data.Masks.Full).clamp_min(0).sum().item<float>());
        double hardArea = hard.sum().item<float>(), softArea = soft.sum().item<float>();
        float[] values = soft.data<float>();
        int partial = values.Count(v => v > 0 && v < 1);
        output.WriteLine($"feathered alpha: {softArea / hardArea:P1} of the full mask's area, {partial} partial pixels over {CalmStitchingData.FrameCount} crops");
        Assert.True(softArea < hardArea && softArea > 0.5 * hardArea);
        Assert.True(partial > 100);
    }

    [Fact]
    public void Paste_WrongMaskSize_ThrowsNamingShape()
    {
        var frame = Frame.Rgb(0, 32, 32, new byte[32 * 32 * 3]);
        var quad = new FaceQuad(new Point2(16, 16), new Point2(8, 0), new Point2(0, 8));
        using Tensor crop = zeros([3, 16, 16]);
        using Tensor mask = ones([8, 8]);

        var ex = Assert.Throws<ArgumentException>(() => new StitchedFramePaster(16).Paste(frame, quad, crop, mask));
        Assert.Contains("[16, 16]", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Frame pixels whose crop position lies within one crop pixel of the mask (the reach of a bilinear tap): the only
    /// pixels a paste may change. Computed apart from the compositor, from the homography itself.
    /// </summary>
    private static bool[] NearMask(Tensor mask, FaceQuad quad, int resolution, int width, int height)
    {
        using Tensor grown = F.max_pool2d(mask.reshape(1, 1, resolution, resolution).gt(0.0).to(float32), [3, 3], [1, 1], [1, 1]);
        float[] near = grown.data<float>();
        var toCrop = PerspectiveTransform.QuadToCrop(quad, resolution);
        var result = new bool[width * height];
        for (int i = 0; i < result.Length; i++)
        {
            Point2 c = toCrop.Apply(new Point2(i % width, i / width));
            int u = (int)Math.Floor(c.X), v = (int)Math.Floor(c.Y);
            result[i] = u >= -1 && v >= -1 && u <= resolution && v <= resolution
                && near[(Math.Clamp(v, 0, resolution - 1) * resolution) + Math.Clamp(u, 0, resolution - 1)] > 0;
        }
        return result;
    }
}
