using ServerlessStitch.Media;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>Moves RGB24 frames into libtorch and back: one memory copy each way, no per-pixel loops.</summary>
internal static class FrameTensors
{
    /// <summary>uint8 [N, H, W, 3] from frames of one size.</summary>
    public static Tensor ToTensor(IReadOnlyList<Frame> frames)
    {
        Frame first = frames[0];
        int bytes = first.Width * first.Height * 3;
        var all = new byte[(long)bytes * frames.Count];
        for (int i = 0; i < frames.Count; i++)
        {
            Frame frame = frames[i];
            if (frame.Channels != 3 || frame.Width != first.Width || frame.Height != first.Height)
            {
                throw new ArgumentException(
                    $"Frames must all be RGB {first.Width}x{first.Height}; frame {frame.Index} is {frame.Width}x{frame.Height} with {frame.Channels} channels.",
                    nameof(frames));
            }
            Buffer.BlockCopy(frame.Pixels, 0, all, i * bytes, bytes);
        }
        return tensor(all, [frames.Count, first.Height, first.Width, 3]);
    }

    /// <summary>float32 [N, 3, H, W] in [0, 1], contiguous.</summary>
    /// <remarks>
    /// A bare permute would hand the models channels-last tensors; PyTorch 1.13's CPU convolution backward corrupts
    /// the heap on some of those (found in the demo training, models/stitchmodels/train/perception_data.py).
    /// </remarks>
    public static Tensor ToUnitFloat(IReadOnlyList<Frame> frames)
    {
        using var scope = NewDisposeScope();
        return (ToTensor(frames).permute(0, 3, 1, 2).contiguous().to(float32) / 255.0).MoveToOuterDisposeScope();
    }

    /// <summary>A frame from a uint8 [H, W, 3] tensor.</summary>
    public static Frame ToFrame(Tensor image, int index)
    {
        long[] shape = image.shape;
        if (image.dtype != ScalarType.Byte || shape.Length != 3 || shape[2] != 3)
        {
            throw new ArgumentException($"Expected a uint8 [H, W, 3] tensor, got {image}.", nameof(image));
        }
        using var contiguous = image.contiguous();
        return Frame.Rgb(index, (int)shape[1], (int)shape[0], contiguous.data<byte>());
    }
}
