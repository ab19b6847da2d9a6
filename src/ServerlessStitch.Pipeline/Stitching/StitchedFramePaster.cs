using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Stitching;

/// <summary>
/// Un-alignment and blending (paper §3.4; STIT-NOTES "Stitching tuning/Paste"): the stitched crop is warped back into
/// the frame with the inverse crop transform and composited with alpha = the full (dilated) mask, or its feathered
/// version (erode, then blur, then capped by the mask itself so it never reaches beyond it). Where the warped alpha is
/// 0 — everywhere outside the dilated mask — the output pixel is the input byte exactly (<see cref="FrameCompositor"/>).
/// The paper's "no stitching tuning" ablation (Figure 8) is this same paste given the edited crop itself.
/// </summary>
public sealed class StitchedFramePaster
{
    private readonly int resolution;
    private readonly FrameCompositor compositor;
    private readonly MaskFeathering? feathering;

    public StitchedFramePaster(int resolution, bool feathered = false)
    {
        this.resolution = Check.Positive(resolution);
        compositor = new FrameCompositor(resolution);
        feathering = feathered ? MaskFeathering.ForResolution(resolution) : null;
    }

    public bool Feathered => feathering is not null;

    /// <summary>The paste alpha [N, 1, R, R] for full masks [N, 1, R, R]; the caller owns it.</summary>
    public Tensor Alpha(Tensor fullMasks)
    {
        Check.NotNull(fullMasks);
        RequireMasks(fullMasks, nameof(fullMasks));
        using var scope = NewDisposeScope();
        Tensor full = fullMasks.to(float32).clamp(0, 1);
        // min(feathered, full): the blur must not carry alpha past the dilated mask (reflect padding at the crop edge could).
        Tensor alpha = feathering is null ? full.clone() : feathering.Apply(full).minimum(full);
        return alpha.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A new frame with <paramref name="crop"/> [3, R, R] in [-1, 1] pasted inside <paramref name="fullMask"/>
    /// ([R, R], [1, R, R] or [1, 1, R, R]); <paramref name="original"/> is not modified.
    /// </summary>
    public Frame Paste(Frame original, FaceQuad quad, Tensor crop, Tensor fullMask)
    {
        Check.NotNull(original);
        Check.NotNull(crop);
        Check.NotNull(fullMask);
        if (fullMask.numel() != (long)resolution * resolution)
        {
            throw new ArgumentException($"fullMask must hold one [{resolution}, {resolution}] mask, got {fullMask}.", nameof(fullMask));
        }
        using var scope = NewDisposeScope();
        Tensor alpha = Alpha(fullMask.reshape(1, 1, resolution, resolution)).reshape(resolution, resolution);
        return compositor.Composite(original, quad, crop, alpha);
    }

    /// <summary>One pasted frame per input frame: crops [N, 3, R, R] inside masks [N, 1, R, R].</summary>
    public IReadOnlyList<Frame> Paste(IReadOnlyList<Frame> originals, IReadOnlyList<FaceQuad> quads, Tensor crops, Tensor fullMasks)
    {
        Check.NotNull(originals);
        Check.NotNull(quads);
        Check.NotNull(crops);
        RequireMasks(Check.NotNull(fullMasks), nameof(fullMasks));
        if (originals.Count != quads.Count || crops.shape[0] != originals.Count || fullMasks.shape[0] != originals.Count)
        {
            throw new ArgumentException(
                $"Need one quad, crop and mask per frame (frames {originals.Count}, quads {quads.Count}, crops {crops}, masks {fullMasks}).");
        }
        using var scope = NewDisposeScope();
        Tensor alpha = Alpha(fullMasks);
        var pasted = new Frame[originals.Count];
        for (int i = 0; i < pasted.Length; i++)
        {
            using var frameScope = NewDisposeScope();
            pasted[i] = compositor.Composite(originals[i], quads[i], crops.select(0, i), alpha.select(0, i).select(0, 0));
        }
        return pasted;
    }

    private void RequireMasks(Tensor masks, string name)
    {
        long[] shape = masks.shape;
        if (shape.Length != 4 || shape[1] != 1 || shape[2] != resolution || shape[3] != resolution)
        {
            throw new ArgumentException($"{name} must be [N, 1, {resolution}, {resolution}], got {masks}.", name);
        }
    }
}
