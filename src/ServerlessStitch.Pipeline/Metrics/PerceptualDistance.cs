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
    /// <summary>Image pairs per forward call.</summary>
    public const int BatchSize = 16;

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
        // A fixed batch bounds the network's activations, so a whole video's crops cost no more memory than a chunk's.
        var distances = new List<double>((int)a.shape[0]);
        using var noGrad = no_grad();
        for (long start = 0; start < a.shape[0]; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(BatchSize, a.shape[0] - start);
            distances.AddRange(_perceptual.forward(a.narrow(0, start, count), b.narrow(0, start, count)).reshape(-1).to(float64).data<double>());
        }
        return [.. distances];
    }

    /// <summary>Mean LPIPS over the pairs.</summary>
    public double Mean(Tensor a, Tensor b) => PerImage(a, b).Average();
}
