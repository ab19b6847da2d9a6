using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

public class MaskFeatheringTests
{
    [Theory]
    [InlineData(512, 51, 8.0)]
    [InlineData(1024, 103, 15.8)]
    [InlineData(64, 7, 1.4)]
    [InlineData(8, 1, 0.5)]
    public void ForResolution_ScalesReference51At512(int resolution, int kernel, double sigma)
    {
        MaskFeathering feathering = MaskFeathering.ForResolution(resolution);

        Assert.Equal(kernel, feathering.ErodeKernel);
        Assert.Equal(kernel, feathering.BlurKernel);
        Assert.Equal(sigma, feathering.BlurSigma, 9);
    }

    [Fact]
    public void Apply_DiscMask_SoftEdgeThatNeverLeavesTheMask()
    {
        const int r = 64;
        using Tensor disc = FrameCompositorTests.DiscMask(r, radius: 20).view(1, 1, r, r);

        using Tensor feathered = MaskFeathering.ForResolution(r).Apply(disc);

        float[] mask = disc.contiguous().data<float>(), soft = feathered.contiguous().data<float>();
        Assert.Equal(1f, soft[(32 * r) + 32], 5);
        int partial = soft.Count(v => v > 0.05f && v < 0.95f);
        Assert.True(partial > 100, $"only {partial} partially transparent pixels: no feathered edge");
        for (int i = 0; i < mask.Length; i++)
        {
            // Erode by k then blur with radius k/2: the feathered mask stays inside the dilated one, so the
            // pixels outside the dilated mask are still the input's.
            if (mask[i] == 0)
            {
                Assert.Equal(0f, soft[i]);
            }
        }
    }

    [Fact]
    public void Apply_WrongRank_Throws()
    {
        using Tensor mask = ones([8, 8]);
        Assert.Throws<ArgumentException>(() => MaskFeathering.ForResolution(64).Apply(mask));
    }
}
