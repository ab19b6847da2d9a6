using ServerlessStitch.Torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Metrics;

/// <summary>Brings crops to a model's input resolution (bilinear, as the reference resizes before e.g. ArcFace).</summary>
internal static class ModelInput
{
    public static torch.Tensor Resized(torch.Tensor crops, int resolution, string contract)
    {
        if (crops.dim() != 4 || crops.size(1) != 3)
        {
            throw new ArgumentException($"The {contract} model takes crops [N, 3, H, W]; got [{string.Join(", ", crops.shape)}].", nameof(crops));
        }
        return crops.size(2) == resolution && crops.size(3) == resolution
            ? crops.detach()
            : F.interpolate(crops, size: [resolution, resolution], mode: InterpolationMode.Bilinear, align_corners: false, antialias: crops.size(2) > resolution);
    }
}
