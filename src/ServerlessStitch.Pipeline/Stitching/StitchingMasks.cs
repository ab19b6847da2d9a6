using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Stitching;

/// <summary>
/// The three stitching masks of a batch of aligned crops, float32 [N, 1, R, R] in [0, 1] at the generator's
/// resolution (paper §3.4, Figure 3): <see cref="Full"/> = the dilated face (the paste alpha),
/// <see cref="Border"/> = the boundary ring pulled toward the original, <see cref="Content"/> = the inside kept near
/// the first edit. Owns its tensors.
/// </summary>
public sealed class StitchingMasks : IDisposable
{
    public StitchingMasks(Tensor full, Tensor border, Tensor content)
    {
        Check.NotNull(full);
        Check.NotNull(border);
        Check.NotNull(content);
        long[] shape = full.shape;
        if (shape.Length != 4 || shape[1] != 1 || shape[2] != shape[3])
        {
            throw new ArgumentException($"Masks must be [N, 1, R, R], got {full}.", nameof(full));
        }
        if (!border.shape.SequenceEqual(shape) || !content.shape.SequenceEqual(shape))
        {
            throw new ArgumentException($"Full, border and content masks must have one shape, got {full}, {border}, {content}.");
        }
        Full = full;
        Border = border;
        Content = content;
    }

    /// <summary>The dilated face mask: where the stitched crop is pasted.</summary>
    public Tensor Full { get; }

    /// <summary>max(face within the edge band, full − face): the ring where the tuned generator must match the original.</summary>
    public Tensor Border { get; }

    /// <summary>clip(face − border): where the tuned generator must keep the first edit.</summary>
    public Tensor Content { get; }

    public int Count => (int)Full.shape[0];

    public int Resolution => (int)Full.shape[3];

    /// <summary>Frames [start, start + count) as new masks (views; the caller disposes them).</summary>
    public StitchingMasks Slice(int start, int count) =>
        new(Full.narrow(0, start, count), Border.narrow(0, start, count), Content.narrow(0, start, count));

    /// <summary>Moves the three tensors out of the current dispose scope (for masks built inside one).</summary>
    public StitchingMasks MoveToOuterDisposeScope()
    {
        Full.MoveToOuterDisposeScope();
        Border.MoveToOuterDisposeScope();
        Content.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        Full.Dispose();
        Border.Dispose();
        Content.Dispose();
    }
}
