using ServerlessStitch.Media;
using ServerlessStitch.Torch;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

/// <summary>Small synthetic frames with known content, and tensor helpers for the warp tests.</summary>
internal static class Synthetic
{
    /// <summary>A black frame with a white Gaussian blob (sigma in px) centred at (x, y).</summary>
    public static Frame Blob(int width, int height, double x, double y, double sigma)
    {
        var pixels = new byte[width * height * 3];
        for (int row = 0; row < height; row++)
        {
            for (int col = 0; col < width; col++)
            {
                double d2 = ((col - x) * (col - x)) + ((row - y) * (row - y));
                byte v = (byte)Math.Round(255 * Math.Exp(-d2 / (2 * sigma * sigma)));
                int o = ((row * width) + col) * 3;
                (pixels[o], pixels[o + 1], pixels[o + 2]) = (v, v, v);
            }
        }
        return Frame.Rgb(0, width, height, pixels);
    }

    /// <summary>A 1-pixel black/white checkerboard: the worst case for aliasing.</summary>
    public static Frame Checkerboard(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++)
        {
            byte v = ((i % width) + (i / width)) % 2 == 0 ? (byte)255 : (byte)0;
            (pixels[3 * i], pixels[(3 * i) + 1], pixels[(3 * i) + 2]) = (v, v, v);
        }
        return Frame.Rgb(0, width, height, pixels);
    }

    /// <summary>Channel 0 of crop <paramref name="index"/> of [N, 3, R, R], as [R * R] floats.</summary>
    public static float[] Channel0(torch.Tensor crops, int index)
    {
        using var c = crops.select(0, index).select(0, 0).contiguous();
        return c.data<float>();
    }

    /// <summary>Intensity-weighted centroid (crop pixel-centre coordinates, j + 0.5) of values above a floor.</summary>
    public static Pipeline.Alignment.Point2 Centroid(float[] values, int resolution, float floor)
    {
        double sx = 0, sy = 0, sw = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double w = Math.Max(0, values[i] - floor);
            sx += w * ((i % resolution) + 0.5);
            sy += w * ((i / resolution) + 0.5);
            sw += w;
        }
        return new Pipeline.Alignment.Point2(sx / sw, sy / sw);
    }
}
