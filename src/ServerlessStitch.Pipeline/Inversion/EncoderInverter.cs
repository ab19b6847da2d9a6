using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using static ServerlessStitch.Torch.torch.jit;

namespace ServerlessStitch.Pipeline.Inversion;

/// <summary>Options of <see cref="EncoderInverter"/>.</summary>
public sealed record EncoderInverterOptions
{
    /// <summary>Crops per encoder call; bounds memory, not the result (batching gives the same codes as one-by-one).</summary>
    public int BatchSize { get; init; } = 8;
}

/// <summary>
/// The paper's pivots (§3.2, STIT-NOTES "Inversion"): w_i = E(c_i) for every aligned crop, from the e4e-style
/// encoder whose output already includes the average latent. No gradients, no per-frame optimisation.
/// </summary>
public sealed class EncoderInverter
{
    private readonly ScriptModule _encoder;
    private readonly EncoderInverterOptions _options;

    public EncoderInverter(ScriptModule encoder, EncoderInverterOptions? options = null)
    {
        _encoder = Check.NotNull(encoder);
        _options = options ?? new EncoderInverterOptions();
        Check.Positive(_options.BatchSize);
    }

    /// <summary>Aligned crops <c>[N, 3, R, R]</c> in [-1, 1] → W+ pivots <c>[N, L, D]</c> (a new tensor the caller owns).</summary>
    public Tensor Invert(Tensor crops)
    {
        Check.NotNull(crops);
        if (crops.dim() != 4 || crops.size(1) != 3)
        {
            throw new ArgumentException($"Expected aligned crops [N, 3, R, R]; got [{string.Join(", ", crops.shape)}].", nameof(crops));
        }
        long n = crops.size(0);
        if (n == 0)
        {
            throw new ArgumentException("No crops to invert.", nameof(crops));
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var codes = new List<Tensor>();
        for (long start = 0; start < n; start += _options.BatchSize)
        {
            long length = Math.Min(_options.BatchSize, n - start);
            codes.Add(_encoder.forward(crops.narrow(0, start, length)));
        }
        Tensor pivots = codes.Count == 1 ? codes[0].clone() : cat(codes, 0);
        if (pivots.dim() != 3 || pivots.size(0) != n)
        {
            throw new InvalidOperationException($"The encoder returned [{string.Join(", ", pivots.shape)}]; its contract is W+ [N, L, D] (DESIGN.md §4).");
        }
        return pivots.MoveToOuterDisposeScope();
    }
}
