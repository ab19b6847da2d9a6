namespace ServerlessStitch.Media;

/// <summary>Places frames of equal height next to each other (original | edited, or a stage strip), copying whole rows.</summary>
public static class FrameComposer
{
    /// <summary>A frame with <paramref name="frames"/> side by side, left to right, carrying the first frame's index.</summary>
    public static Frame Row(IReadOnlyList<Frame> frames)
    {
        Check.NotNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("Nothing to compose.", nameof(frames));
        }

        var first = frames[0];
        if (frames.Any(f => f.Height != first.Height || f.Channels != first.Channels))
        {
            throw new ArgumentException("Frames placed side by side need the same height and channels.", nameof(frames));
        }

        var width = frames.Sum(f => f.Width);
        var stride = width * first.Channels;
        var pixels = new byte[(long)stride * first.Height];
        var x = 0;
        foreach (var frame in frames)
        {
            for (var y = 0; y < first.Height; y++)
            {
                frame.Pixels.AsSpan(y * frame.Stride, frame.Stride).CopyTo(pixels.AsSpan((y * stride) + x));
            }

            x += frame.Stride;
        }

        return new Frame(first.Index, width, first.Height, first.Channels, pixels);
    }
}
