using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Stitching;

/// <summary>
/// The seam metric of issue 5: mean absolute difference (levels 0..255, averaged over RGB) between the pasted frame
/// and the input frame over the boundary ring, in full-frame coordinates. The ring [R, R] is warped back into the frame
/// the way the crop is (bilinear), and its warped values weight the pixels, so a soft ring edge counts partially.
/// A visible seam shows up as a large value; stitching tuning should bring it down (paper §3.4, Figure 8).
/// </summary>
public sealed class BoundaryError(int resolution)
{
    private readonly int resolution = Check.Positive(resolution);
    private readonly FrameCompositor compositor = new(resolution);

    /// <summary>Mean L1 in levels over the ring; 0 when the ring does not reach into the frame.</summary>
    public double Measure(Frame input, Frame pasted, FaceQuad quad, Tensor borderMask)
    {
        Check.NotNull(input);
        Check.NotNull(pasted);
        Check.NotNull(borderMask);
        if (input.Width != pasted.Width || input.Height != pasted.Height || input.Channels != 3 || pasted.Channels != 3)
        {
            throw new ArgumentException($"Frames must be RGB of one size, got {input.Width}x{input.Height} and {pasted.Width}x{pasted.Height}.");
        }
        if (borderMask.numel() != (long)resolution * resolution)
        {
            throw new ArgumentException($"borderMask must hold one [{resolution}, {resolution}] mask, got {borderMask}.", nameof(borderMask));
        }

        (int x0, int y0, int width, int height) = FrameCompositor.Bounds(quad, input.Width, input.Height);
        if (width <= 0 || height <= 0)
        {
            return 0;
        }
        using var scope = NewDisposeScope();
        Tensor ring = F.grid_sample(borderMask.to(float32).reshape(1, 1, resolution, resolution),
            compositor.FrameToCropGrid(quad, x0, y0, width, height), GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros,
            align_corners: false).clamp(0, 1);                                                             // [1, 1, h, w]
        Tensor a = Patch(input, x0, y0, width, height);
        Tensor b = Patch(pasted, x0, y0, width, height);
        double weight = ring.sum().item<float>();
        if (weight <= 0)
        {
            return 0;
        }
        return ((a - b).abs().mean(1, keepdim: true) * ring).sum().item<float>() / weight;
    }

    /// <summary>float32 [1, 3, h, w] in levels: the box of the frame that holds the quad.</summary>
    private static Tensor Patch(Frame frame, int x0, int y0, int width, int height) =>
        FrameTensors.ToTensor([frame]).narrow(1, y0, height).narrow(2, x0, width).permute(0, 3, 1, 2).to(float32);
}
