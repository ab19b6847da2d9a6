using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Metrics;

/// <summary>TL-ID and TG-ID of one video (1 = the input video's own temporal identity consistency).</summary>
public sealed record TemporalIdentityScores(double Local, double Global);

/// <summary>
/// The paper's temporal identity metrics (§4, "Temporal consistency"), from per-frame identity embeddings:
/// <list type="bullet">
/// <item>TL-ID (temporally local): for each pair of adjacent frames (i, i+1), the identity similarity of the edited
/// pair divided by that of the same pair in the original video; averaged over the video.</item>
/// <item>TG-ID (temporally global): the same normalised similarity over all pairs of frames i &lt; j.</item>
/// </list>
/// A score of 1 means the edit kept the original video's identity consistency; the paper then averages over
/// videos, which the caller does. Similarity = cosine of L2-normalised embeddings (<see cref="IdentitySimilarity"/>).
/// The original's similarities are the denominators, so frames the identity model finds dissimilar in the input
/// (cosine near 0) weigh heavily; on aligned crops of one face they are well above 0.
/// </summary>
public static class TemporalIdentity
{
    /// <summary>TL-ID and TG-ID of the edited frames' embeddings against the original frames' embeddings, both <c>[N, E]</c>, N ≥ 2.</summary>
    public static TemporalIdentityScores Score(Tensor editedEmbeddings, Tensor originalEmbeddings)
    {
        Check.NotNull(editedEmbeddings);
        Check.NotNull(originalEmbeddings);
        if (editedEmbeddings.dim() != 2 || !editedEmbeddings.shape.SequenceEqual(originalEmbeddings.shape))
        {
            throw new ArgumentException($"TL-ID/TG-ID compare embeddings [N, E] of the same frames; got [{string.Join(", ", editedEmbeddings.shape)}] and [{string.Join(", ", originalEmbeddings.shape)}].");
        }
        int n = (int)editedEmbeddings.size(0);
        if (n < 2)
        {
            throw new ArgumentException($"TL-ID/TG-ID need at least 2 frames; got {n}.");
        }
        double[,] edited = Similarities(editedEmbeddings), original = Similarities(originalEmbeddings);
        double local = 0, global = 0;
        for (int i = 0; i + 1 < n; i++)
        {
            local += edited[i, i + 1] / original[i, i + 1];
        }
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                global += edited[i, j] / original[i, j];
            }
        }
        return new TemporalIdentityScores(local / (n - 1), global / (n * (n - 1) / 2.0));
    }

    /// <summary>Cosine similarity matrix <c>[N, N]</c> of embeddings <c>[N, E]</c> (rows normalised here).</summary>
    public static double[,] Similarities(Tensor embeddings)
    {
        Check.NotNull(embeddings);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor e = embeddings.to(float64);
        Tensor unit = e / e.norm(2, [1], keepdim: true).clamp_min(1e-12);
        int n = (int)e.size(0);
        double[] flat = unit.matmul(unit.transpose(0, 1)).contiguous().data<double>();
        var matrix = new double[n, n];
        Buffer.BlockCopy(flat, 0, matrix, 0, flat.Length * sizeof(double));
        return matrix;
    }
}
