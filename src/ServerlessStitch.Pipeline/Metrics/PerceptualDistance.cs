using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using static ServerlessStitch.Torch.torch.jit;

namespace ServerlessStitch.Pipeline.Metrics;

/// <summary>
/// LPIPS (Zhang et al. 2018) through the manifest's perceptual model: <c>forward(a, b)</c> on two [-1, 1] batches
/// → one distance per image (0 = identical; lower is closer).
/// </summary>
public sealed class PerceptualDistance(ScriptModule perceptual)
{
    private readonly ScriptModule _perceptual = Check.NotNull(perceptual);

    /// <summary>LPIPS of each pair of <c>[N, 3, H, W]</c> images.</summary>
    public double[] PerImage(Tensor a, Tensor b)
    {
        Check.NotNull(a);
        Check.NotNull(b);
        if (!a.shape.SequenceEqual(b.shape) || a.dim() != 4)
        {
            throw new ArgumentException($"LPIPS compares batches of one shape [N, 3, H, W]; got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return [.. _perceptual.forward(a, b).reshape(-1).to(float64).data<double>()];
    }

    /// <summary>Mean LPIPS over the pairs.</summary>
    public double Mean(Tensor a, Tensor b) => PerImage(a, b).Average();
}
