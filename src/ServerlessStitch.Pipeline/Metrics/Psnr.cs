using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Metrics;

/// <summary>
/// Peak signal-to-noise ratio per image, for images in [-1, 1] (peak-to-peak range 2):
/// PSNR = 10 · log10(2² / MSE), MSE over all channels and pixels of one image. Identical images give +∞
/// (no cap: callers that average use <see cref="Mean"/>, which says so).
/// </summary>
public static class Psnr
{
    /// <summary>The data range of [-1, 1] images.</summary>
    public const double Range = 2.0;

    /// <summary>PSNR in dB of each image pair of <c>[N, C, H, W]</c> batches (or one <c>[C, H, W]</c> pair).</summary>
    public static double[] PerImage(Tensor a, Tensor b)
    {
        Check.NotNull(a);
        Check.NotNull(b);
        if (!a.shape.SequenceEqual(b.shape) || a.dim() is < 3 or > 4)
        {
            throw new ArgumentException($"PSNR compares images of one shape [N, C, H, W]; got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor diff = (a.dim() == 3 ? a.unsqueeze(0) : a).to(float64) - (b.dim() == 3 ? b.unsqueeze(0) : b).to(float64);
        double[] mse = diff.square().mean([1, 2, 3]).data<double>();
        return [.. mse.Select(FromMse)];
    }

    /// <summary>Mean PSNR over the pairs (+∞ when any pair is identical).</summary>
    public static double Mean(Tensor a, Tensor b) => PerImage(a, b).Average();

    /// <summary>10 · log10(Range² / mse); +∞ at mse 0.</summary>
    public static double FromMse(double mse) => mse <= 0 ? double.PositiveInfinity : 10 * Math.Log10(Range * Range / mse);
}
