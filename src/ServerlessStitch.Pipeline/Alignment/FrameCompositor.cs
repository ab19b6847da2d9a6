using ServerlessStitch.Media;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// Un-alignment (STIT-NOTES "Alignment" and "Stitching tuning/Paste"): warps an R×R crop and its alpha mask back
/// into the frame with the inverse of the crop transform and composites alpha·crop + (1 − alpha)·frame.
/// Every pixel where the warped alpha is 0 keeps the input byte exactly (DESIGN §5), so only the face changes.
/// </summary>
public sealed class FrameCompositor(int resolution)
{
    private readonly int resolution = Check.Positive(resolution);

    /// <summary>
    /// A new frame; <paramref name="original"/> is not modified. <paramref name="crop"/> is float [3, R, R] in
    /// [-1, 1], <paramref name="alpha"/> float [R, R] or [1, R, R] in [0, 1].
    /// </summary>
    public Frame Composite(Frame original, FaceQuad quad, Tensor crop, Tensor alpha)
    {
        Check.NotNull(original);
        Check.NotNull(crop);
        Check.NotNull(alpha);
        if (original.Channels != 3)
        {
            throw new ArgumentException($"Frame {original.Index} has {original.Channels} channels; RGB (3) expected.", nameof(original));
        }
        RequireShape(crop, [3, resolution, resolution], nameof(crop));
        if (!(HasShape(alpha, [resolution, resolution]) || HasShape(alpha, [1, resolution, resolution])))
        {
            throw new ArgumentException($"alpha must be [{resolution}, {resolution}] or [1, {resolution}, {resolution}], got {alpha}.", nameof(alpha));
        }

        (int x0, int y0, int width, int height) = Bounds(quad, original.Width, original.Height);
        if (width <= 0 || height <= 0)
        {
            return Frame.Rgb(original.Index, original.Width, original.Height, (byte[])original.Pixels.Clone());
        }

        using var scope = NewDisposeScope();
        // The crop is upsampled bicubic (sharper than bilinear where a small crop covers many frame pixels), its edge
        // replicated; the alpha stays bilinear with zero padding, so it is exactly 0 wherever the mask does not reach.
        Tensor grid = FrameToCropGrid(quad, x0, y0, width, height);
        Tensor source = ((crop.to(float32) + 1.0) * 127.5).unsqueeze(0);                              // [1, 3, R, R], 0..255
        Tensor rgb = F.grid_sample(source, grid, GridSampleMode.Bicubic, GridSamplePaddingMode.Border, align_corners: false).clamp(0, 255);
        Tensor a = F.grid_sample(alpha.to(float32).reshape(1, 1, resolution, resolution), grid, GridSampleMode.Bilinear,
            GridSamplePaddingMode.Zeros, align_corners: false).clamp(0, 1);

        Tensor frame = FrameTensors.ToTensor([original]).squeeze(0);                                  // uint8 [H, W, 3]
        Tensor before = frame.narrow(0, y0, height).narrow(1, x0, width).permute(2, 0, 1).unsqueeze(0).to(float32);
        Tensor blended = ((a * rgb) + ((1.0 - a) * before)).round().clamp(0, 255);
        // Alpha exactly 0 selects the input byte itself (not a blend that merely rounds back to it).
        Tensor patch = where(a.gt(0.0).expand(1, 3, height, width), blended, before).to(uint8).squeeze(0).permute(1, 2, 0);
        Tensor result = frame.clone();
        result.narrow(0, y0, height).narrow(1, x0, width).copy_(patch);
        return FrameTensors.ToFrame(result, original.Index);
    }

    /// <summary>Pixel box around the quad, clipped to the frame: outside it the warped alpha is 0 anyway.</summary>
    internal static (int X0, int Y0, int Width, int Height) Bounds(FaceQuad quad, int frameWidth, int frameHeight)
    {
        Point2[] corners = quad.Corners();
        int x0 = Math.Max(0, (int)Math.Floor(corners.Min(p => p.X)) - 1);
        int y0 = Math.Max(0, (int)Math.Floor(corners.Min(p => p.Y)) - 1);
        int x1 = Math.Min(frameWidth - 1, (int)Math.Ceiling(corners.Max(p => p.X)) + 1);
        int y1 = Math.Min(frameHeight - 1, (int)Math.Ceiling(corners.Max(p => p.Y)) + 1);
        return (x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /// <summary>grid_sample grid [1, h, w, 2]: each frame pixel of the box mapped into the crop's [-1, 1] square.</summary>
    internal Tensor FrameToCropGrid(FaceQuad quad, int x0, int y0, int width, int height)
    {
        using var scope = NewDisposeScope();
        Tensor xs = arange(x0, x0 + width, 1.0, float64).view(1, width).expand(height, width);
        Tensor ys = arange(y0, y0 + height, 1.0, float64).view(height, 1).expand(height, width);
        Tensor pixels = stack([xs, ys, ones_like(xs)], -1).reshape(height * width, 3);
        Tensor toCrop = CropWarper.Matrices([PerspectiveTransform.QuadToCrop(quad, resolution)]).squeeze(0);
        Tensor points = pixels.matmul(toCrop.transpose(0, 1));
        Tensor w = points.select(1, 2);
        // Crop coordinates span [0, R] edge to edge = grid_sample's [-1, 1] with align_corners = false.
        Tensor gu = (points.select(1, 0) / w * (2.0 / resolution)) - 1.0;
        Tensor gv = (points.select(1, 1) / w * (2.0 / resolution)) - 1.0;
        return stack([gu, gv], -1).view(1, height, width, 2).to(float32).MoveToOuterDisposeScope();
    }

    private static bool HasShape(Tensor t, long[] expected) => t.shape.SequenceEqual(expected);

    private static void RequireShape(Tensor t, long[] expected, string name)
    {
        if (!HasShape(t, expected))
        {
            throw new ArgumentException($"{name} must be [{string.Join(", ", expected)}], got {t}.", name);
        }
    }
}
