using ServerlessStitch.Pipeline.Metrics;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Metrics;

public class PsnrTests
{
    [Fact]
    public void PerImage_IdenticalImages_PositiveInfinity()
    {
        using var scope = NewDisposeScope();
        using var random = new Generator(1);
        Tensor a = rand([2, 3, 8, 8], generator: random) * 2 - 1;

        Assert.All(Psnr.PerImage(a, a.clone()), p => Assert.Equal(double.PositiveInfinity, p));
    }

    [Fact]
    public void PerImage_KnownErrors_KnownDecibels()
    {
        using var scope = NewDisposeScope();
        Tensor a = zeros([2, 3, 4, 4]);
        // Image 0 off by 0.2 everywhere: MSE 0.04, PSNR = 10·log10(4 / 0.04) = 20 dB.
        // Image 1 off by 2 (black vs white) on a quarter of the values: MSE 1, PSNR = 10·log10(4) ≈ 6.0206 dB.
        float[] values = new float[2 * 3 * 16];
        Array.Fill(values, 0.2f, 0, 48);
        for (int i = 48; i < 96; i += 4)
        {
            values[i] = 2f;
        }
        Tensor b = tensor(values, [2, 3, 4, 4]);

        double[] psnr = Psnr.PerImage(a, b);

        Assert.Equal(20.0, psnr[0], 4);
        Assert.Equal(10 * Math.Log10(4), psnr[1], 6);
        Assert.Equal((psnr[0] + psnr[1]) / 2, Psnr.Mean(a, b), 10);
    }

    [Fact]
    public void PerImage_ShapesDiffer_Throws()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Psnr.PerImage(zeros([1, 3, 4, 4]), zeros([1, 3, 4, 5])));
    }
}
