using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>Crops between the generator's float range [-1, 1] and RGB frames (for blobs, PNGs and previews).</summary>
public static class CropImages
{
    /// <summary>[N, 3, R, R] in [-1, 1] → RGB frames numbered from <paramref name="firstIndex"/> (rounded to the nearest level).</summary>
    public static IReadOnlyList<Frame> ToFrames(Tensor crops, int firstIndex)
    {
        using var scope = NewDisposeScope();
        var bytes = ((crops.detach().cpu().clamp(-1, 1) + 1) * 127.5).round().to(uint8).permute(0, 2, 3, 1).contiguous();
        var frames = new Frame[bytes.shape[0]];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = FrameTensors.ToFrame(bytes.select(0, i), firstIndex + i);
        }
        return frames;
    }

    /// <summary>RGB frames → [N, 3, R, R] in [-1, 1].</summary>
    public static Tensor FromFrames(IReadOnlyList<Frame> frames)
    {
        using var scope = NewDisposeScope();
        return ((FrameTensors.ToUnitFloat(frames) * 2) - 1).MoveToOuterDisposeScope();
    }
}
