namespace ServerlessStitch.Media;

/// <summary>
/// One decoded picture: tightly packed rows of <see cref="Channels"/> bytes per pixel
/// (3 = RGB24 as ffmpeg's rgb24, 1 = a mask), top row first. <see cref="Index"/> is the frame's
/// position in the whole video, so chunks of frames can be reassembled in order.
/// </summary>
public sealed class Frame
{
    public Frame(int index, int width, int height, int channels, byte[] pixels)
    {
        Check.NotNegative(index);
        Check.Positive(width);
        Check.Positive(height);
        Check.Positive(channels);
        Check.NotNull(pixels);
        if (pixels.LongLength != (long)width * height * channels)
        {
            throw new ArgumentException($"Expected {(long)width * height * channels} bytes for {width}x{height}x{channels}, got {pixels.LongLength}.", nameof(pixels));
        }

        Index = index;
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Index { get; }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    public byte[] Pixels { get; }

    public int Stride => Width * Channels;

    /// <summary>An RGB24 frame.</summary>
    public static Frame Rgb(int index, int width, int height, byte[] pixels) => new(index, width, height, 3, pixels);
}
