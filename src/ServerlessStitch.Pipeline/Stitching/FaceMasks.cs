using ServerlessStitch.Models;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using static ServerlessStitch.Torch.torch.jit;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Stitching;

/// <summary>
/// Stitching masks from the face segmenter (paper §3.4, STIT-NOTES "Stitching tuning"): foreground = the face classes
/// of the segmentation; full = foreground dilated by a square; border = max(foreground within the band along the crop
/// edge, full − foreground); content = clip(foreground − border). Computed at the segmenter's resolution with the
/// reference sizes scaled to it, then resized bilinearly to the crops' resolution, as the reference upsamples its
/// 512 masks to 1024. Batched tensor ops only.
/// </summary>
public sealed class FaceMasks
{
    private readonly ScriptModule segmenter;
    private readonly int inputResolution;
    private readonly int classes;

    /// <summary>
    /// <paramref name="segmenter"/>: <c>forward(x)</c>, crop [N, 3, S, S] in [-1, 1] → logits [N, C, S, S] (DESIGN §4),
    /// with S = <paramref name="inputResolution"/> and C = <paramref name="classes"/>. Not modified, not disposed.
    /// </summary>
    public FaceMasks(ScriptModule segmenter, int inputResolution, int classes, FaceMaskOptions options)
    {
        this.segmenter = Check.NotNull(segmenter);
        this.inputResolution = Check.Positive(inputResolution);
        this.classes = Check.Positive(classes);
        Options = Check.NotNull(options);
        options.Validate(classes);
    }

    public FaceMaskOptions Options { get; }

    /// <summary>The model set's segmenter with its face classes; <paramref name="options"/> overrides the reference sizes.</summary>
    public static FaceMasks Create(ModelCatalog catalog, FaceMaskOptions? options = null)
    {
        Check.NotNull(catalog);
        SegmenterModel model = catalog.Manifest.Models.Segmenter;
        return new FaceMasks(catalog.Get(model), model.InputResolution, model.Classes, options ?? FaceMaskOptions.For(catalog.Manifest));
    }

    /// <summary>Masks [N, 1, R, R] for crops [N, 3, R, R] in [-1, 1] (whichever crops the caller chose to segment).</summary>
    public StitchingMasks Compute(Tensor crops)
    {
        int resolution = CheckCrops(crops, nameof(crops));
        using var scope = NewDisposeScope();
        return FromForeground(Foreground(crops), Options, resolution).MoveToOuterDisposeScope();
    }

    /// <summary>Masks from the crop that <see cref="FaceMaskOptions.Source"/> names: the original (default) or the edit.</summary>
    public StitchingMasks Compute(Tensor originalCrops, Tensor editedCrops)
    {
        Check.NotNull(originalCrops);
        Check.NotNull(editedCrops);
        if (!originalCrops.shape.SequenceEqual(editedCrops.shape))
        {
            throw new ArgumentException($"Original and edited crops must have one shape, got {originalCrops} and {editedCrops}.");
        }
        return Compute(Options.Source == MaskSource.Original ? originalCrops : editedCrops);
    }

    /// <summary>Face foreground float32 [N, 1, S, S] (1 where the arg-max class is a face class) at the segmenter's resolution.</summary>
    public Tensor Foreground(Tensor crops)
    {
        CheckCrops(crops, nameof(crops));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor input = crops.to(float32);
        if (input.shape[2] != inputResolution)
        {
            input = F.interpolate(input, [inputResolution, inputResolution], mode: InterpolationMode.Bilinear,
                align_corners: false, antialias: input.shape[2] > inputResolution);
        }
        Tensor logits = segmenter.forward(input);
        long n = input.shape[0];
        if (!logits.shape.SequenceEqual([n, classes, inputResolution, inputResolution]))
        {
            throw new InvalidOperationException(
                $"The segmenter returned {logits}; its contract is class logits [{n}, {classes}, {inputResolution}, {inputResolution}] (DESIGN §4).");
        }
        var lookup = new float[classes];
        foreach (int c in Options.FaceClasses)
        {
            lookup[c] = 1f;
        }
        Tensor labels = logits.argmax(1).flatten();
        return tensor(lookup).index_select(0, labels).view(n, 1, inputResolution, inputResolution).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The three masks from a foreground float [N, 1, S, S] in [0, 1], sizes scaled to S, resized to
    /// <paramref name="resolution"/> when S differs. The caller owns the result.
    /// </summary>
    public static StitchingMasks FromForeground(Tensor foreground, FaceMaskOptions options, int resolution)
    {
        Check.NotNull(foreground);
        Check.NotNull(options);
        Check.Positive(resolution);
        long[] shape = foreground.shape;
        if (shape.Length != 4 || shape[1] != 1 || shape[2] != shape[3])
        {
            throw new ArgumentException($"foreground must be [N, 1, S, S], got {foreground}.", nameof(foreground));
        }

        using var scope = NewDisposeScope();
        int size = (int)shape[2];
        Tensor face = foreground.to(float32);
        int dilation = options.DilationAt(size);
        // Dilation by a k×k square = max-pool with stride 1 (max_pool pads with -inf, so the edge adds nothing).
        Tensor full = dilation > 1 ? F.max_pool2d(face, [dilation, dilation], [1, 1], [dilation / 2, dilation / 2]) : face.clone();
        Tensor border = (face * EdgeBand(size, options.EdgeBandAt(size))).maximum(full - face);
        Tensor content = (face - border).clamp(0, 1);
        if (size != resolution)
        {
            full = Resize(full, resolution);
            border = Resize(border, resolution);
            content = Resize(content, resolution);
        }
        return new StitchingMasks(full, border, content).MoveToOuterDisposeScope();
    }

    /// <summary>[1, 1, S, S]: 1 within <paramref name="band"/> pixels of the crop edge, 0 inside.</summary>
    private static Tensor EdgeBand(int size, int band)
    {
        if (2 * band >= size)
        {
            return ones([1, 1, size, size]);
        }
        using Tensor inner = zeros([1, 1, size - (2 * band), size - (2 * band)]);
        return F.pad(inner, [band, band, band, band], PaddingModes.Constant, 1.0);
    }

    private static Tensor Resize(Tensor mask, int resolution) =>
        F.interpolate(mask, [resolution, resolution], mode: InterpolationMode.Bilinear, align_corners: false,
            antialias: mask.shape[2] > resolution).clamp(0, 1);

    private static int CheckCrops(Tensor crops, string name)
    {
        Check.NotNull(crops);
        long[] shape = crops.shape;
        if (shape.Length != 4 || shape[1] != 3 || shape[2] != shape[3] || shape[0] == 0)
        {
            throw new ArgumentException($"{name} must be aligned crops [N, 3, R, R] with N ≥ 1, got {crops}.", name);
        }
        return (int)shape[2];
    }
}
