using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// Feathered paste mask (STIT-NOTES "Stitching tuning/Paste"): erode the dilated mask by a k×k square, then
/// Gaussian-blur it, so the pasted face fades out inside the mask instead of ending at a hard edge.
/// The reference sizes are for 512 crops (erode 51×51, blur ksize 51, sigma ≈ 8) and scale with the resolution.
/// </summary>
public sealed record MaskFeathering(int ErodeKernel, int BlurKernel, double BlurSigma)
{
    private const int ReferenceResolution = 512;
    private const int ReferenceKernel = 51;

    /// <summary>The reference's 51-pixel kernels scaled to <paramref name="resolution"/> (odd, at least 1).</summary>
    public static MaskFeathering ForResolution(int resolution)
    {
        Check.Positive(resolution);
        double scaled = ReferenceKernel * (double)resolution / ReferenceResolution;
        int kernel = Math.Max(1, (2 * (int)Math.Round((scaled - 1) / 2, MidpointRounding.AwayFromZero)) + 1);
        return new MaskFeathering(kernel, kernel, OpenCvSigma(kernel));
    }

    /// <summary>OpenCV's sigma for a kernel size (GaussianBlur with sigma 0): 8.0 for ksize 51, as the reference.</summary>
    public static double OpenCvSigma(int kernel) => (0.3 * (((kernel - 1) * 0.5) - 1)) + 0.8;

    /// <summary>Feathered copy of <paramref name="mask"/> float [N, 1, R, R] in [0, 1].</summary>
    public Tensor Apply(Tensor mask)
    {
        Check.NotNull(mask);
        if (mask.dim() != 4 || mask.shape[1] != 1)
        {
            throw new ArgumentException($"mask must be [N, 1, R, R], got {mask}.", nameof(mask));
        }

        using var scope = NewDisposeScope();
        Tensor result = mask.to(float32);
        if (ErodeKernel > 1)
        {
            // Erosion = -maxpool(-m); max_pool pads with -inf, so the frame edge does not erode (OpenCV's default).
            int pad = ErodeKernel / 2;
            result = -F.max_pool2d(-result, [ErodeKernel, ErodeKernel], [1, 1], [pad, pad]);
        }
        if (BlurKernel > 1)
        {
            int pad = BlurKernel / 2;
            Tensor kernel = GaussianKernel(BlurKernel, BlurSigma);
            // Separable blur; reflect padding mirrors OpenCV's default border (BORDER_REFLECT_101).
            result = F.pad(result, [pad, pad, pad, pad], PaddingModes.Reflect);
            result = F.conv2d(result, kernel.view(1, 1, 1, BlurKernel));
            result = F.conv2d(result, kernel.view(1, 1, BlurKernel, 1));
        }
        return result.clamp(0, 1).MoveToOuterDisposeScope();
    }

    private static Tensor GaussianKernel(int size, double sigma)
    {
        var weights = new float[size];
        double sum = 0;
        for (int i = 0; i < size; i++)
        {
            double d = i - ((size - 1) / 2.0);
            weights[i] = (float)Math.Exp(-(d * d) / (2 * sigma * sigma));
            sum += weights[i];
        }
        for (int i = 0; i < size; i++)
        {
            weights[i] = (float)(weights[i] / sum);
        }
        return tensor(weights);
    }
}
