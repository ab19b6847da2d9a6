using ServerlessStitch.Media;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// Warps frames to their aligned R×R crops (STIT-NOTES "Alignment": quad warp, bilinear, shrink first when the quad
/// is much larger than R, black outside the frame). The sampling grid comes from each frame's homography and is
/// built as tensors, so a batch is one grid_sample per shrink factor.
/// </summary>
public sealed class CropWarper(int resolution)
{
    private readonly int resolution = Check.Positive(resolution);

    public int Resolution => resolution;

    /// <summary>Aligned crops float32 [N, 3, R, R] in [-1, 1] (the generator's range); the caller owns the tensor.</summary>
    public Tensor Warp(IReadOnlyList<Frame> frames, IReadOnlyList<FaceQuad> quads)
    {
        Check.NotNull(frames);
        Check.NotNull(quads);
        if (frames.Count == 0 || frames.Count != quads.Count)
        {
            throw new ArgumentException($"Need one quad per frame and at least one frame (frames {frames.Count}, quads {quads.Count}).");
        }

        using var scope = NewDisposeScope();
        var crops = new Tensor[frames.Count];
        // Frames whose quads need the same shrink share one batched warp.
        foreach (var group in Enumerable.Range(0, frames.Count).GroupBy(i => ShrinkFactor(quads[i])))
        {
            int[] members = group.ToArray();
            Tensor warped = WarpGroup(members.Select(i => frames[i]).ToArray(), members.Select(i => quads[i]).ToArray(), group.Key);
            for (int k = 0; k < members.Length; k++)
            {
                crops[members[k]] = warped.narrow(0, k, 1);
            }
        }
        return ((cat(crops, 0) * 2.0) - 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Integer box-shrink factor: floor(side / R) when that is at least 2, as <c>align.py</c> does, so bilinear
    /// taps never skip source pixels (aliasing) and our crops match the training crops.
    /// </summary>
    internal int ShrinkFactor(FaceQuad quad)
    {
        int shrink = (int)Math.Floor(quad.Side / resolution);
        return shrink > 1 ? shrink : 1;
    }

    private Tensor WarpGroup(Frame[] frames, FaceQuad[] quads, int shrink)
    {
        Tensor images = FrameTensors.ToUnitFloat(frames);
        if (shrink > 1)
        {
            // Box filter = the mean over shrink×shrink blocks, the remainder rows/columns dropped (align.py _shrink).
            images = F.avg_pool2d(images, [shrink, shrink], [shrink, shrink]);
        }
        using Tensor grid = SamplingGrid(quads, frames[0].Width, frames[0].Height, shrink);
        // Zeros padding: outside the frame is black (0 in [0, 1], -1 after scaling), as the reference.
        return F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
    }

    /// <summary>grid_sample grid [N, R, R, 2]: each crop pixel centre mapped through the inverse homography into the (shrunk) frame.</summary>
    private Tensor SamplingGrid(FaceQuad[] quads, int width, int height, int shrink)
    {
        using var scope = NewDisposeScope();
        Tensor centres = CropPixelCentres(resolution);                                             // [R*R, 3]
        Tensor inverse = Matrices(quads.Select(q => PerspectiveTransform.QuadToCrop(q, resolution).Inverse()));
        Tensor points = centres.matmul(inverse.transpose(1, 2));                                   // [N, R*R, 3]
        Tensor w = points.select(2, 2);
        Tensor x = points.select(2, 0) / w;
        Tensor y = points.select(2, 1) / w;
        // Frame pixel index p (centre at p) -> shrunk pixel index (p + 0.5) / s - 0.5 -> grid_sample's [-1, 1]
        // with align_corners = false: the shrunk image spans floor(W / s) pixels.
        double shrunkWidth = width / shrink, shrunkHeight = height / shrink;
        Tensor gx = ((x + 0.5) * (2.0 / (shrink * shrunkWidth))) - 1.0;
        Tensor gy = ((y + 0.5) * (2.0 / (shrink * shrunkHeight))) - 1.0;
        return stack([gx, gy], -1).view(quads.Length, resolution, resolution, 2).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>Homogeneous crop pixel centres (j + 0.5, i + 0.5, 1), row-major, float64.</summary>
    internal static Tensor CropPixelCentres(int resolution)
    {
        using var scope = NewDisposeScope();
        Tensor steps = arange(0.5, resolution, 1.0, float64);
        Tensor u = steps.view(1, resolution).expand(resolution, resolution);
        Tensor v = steps.view(resolution, 1).expand(resolution, resolution);
        return stack([u, v, ones_like(u)], -1).reshape(resolution * resolution, 3).MoveToOuterDisposeScope();
    }

    /// <summary>float64 [N, 3, 3] from transforms.</summary>
    internal static Tensor Matrices(IEnumerable<PerspectiveTransform> transforms)
    {
        double[] values = transforms.SelectMany(t => t.Matrix).ToArray();
        return tensor(values, [values.Length / 9, 3, 3]);
    }
}
