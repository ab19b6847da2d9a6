using ServerlessStitch.Models;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using static ServerlessStitch.Torch.torch.jit;

namespace ServerlessStitch.Pipeline.Metrics;

/// <summary>
/// Identity similarity through the manifest's identity model (ArcFace in the paper's evaluation, [9]): the cosine
/// of the L2-normalised embeddings of two aligned crops; 1 = same embedding. Crops are resized to the model's input.
/// </summary>
public sealed class IdentitySimilarity
{
    private readonly ScriptModule _identity;
    private readonly int _resolution;

    public IdentitySimilarity(ScriptModule identity, int inputResolution)
    {
        _identity = Check.NotNull(identity);
        _resolution = Check.Positive(inputResolution);
    }

    public IdentitySimilarity(ScriptModule identity, IdentityModel contract)
        : this(identity, Check.NotNull(contract).InputResolution)
    {
    }

    /// <summary>Embeddings <c>[N, E]</c>, re-normalised to unit length (a new tensor the caller owns).</summary>
    public Tensor Embed(Tensor crops)
    {
        Check.NotNull(crops);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor embeddings = _identity.forward(ModelInput.Resized(crops, _resolution, "identity"));
        if (embeddings.dim() != 2 || embeddings.size(0) != crops.size(0))
        {
            throw new InvalidOperationException($"The identity model returned [{string.Join(", ", embeddings.shape)}]; its contract is [N, E].");
        }
        return (embeddings / embeddings.norm(2, [1], keepdim: true).clamp_min(1e-12)).MoveToOuterDisposeScope();
    }

    /// <summary>Cosine similarity of each pair of crops of two <c>[N, 3, H, W]</c> batches.</summary>
    public double[] Cosine(Tensor a, Tensor b)
    {
        Check.NotNull(a);
        Check.NotNull(b);
        if (a.size(0) != b.size(0))
        {
            throw new ArgumentException($"Identity similarity pairs crops one to one; got {a.size(0)} and {b.size(0)}.");
        }
        using var ea = Embed(a);
        using var eb = Embed(b);
        using var noGrad = no_grad();
        using Tensor product = (ea * eb).sum(1).to(float64);
        return product.data<double>();
    }
}
