namespace ServerlessStitch.Media;

/// <summary>Places frames next to each other (original | edited, a stage strip) or above each other (strips of several frames), copying whole rows.</summary>
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

    /// <summary>A frame with <paramref name="frames"/> stacked top to bottom, carrying the first frame's index.</summary>
    public static Frame Column(IReadOnlyList<Frame> frames)
    {
        Check.NotNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("Nothing to compose.", nameof(frames));
        }

        var first = frames[0];
        if (frames.Any(f => f.Width != first.Width || f.Channels != first.Channels))
        {
            throw new ArgumentException("Frames stacked above each other need the same width and channels.", nameof(frames));
        }

        var pixels = new byte[frames.Sum(f => (long)f.Pixels.Length)];
        long offset = 0;
        foreach (var frame in frames)
        {
            frame.Pixels.CopyTo(pixels.AsSpan((int)offset));
            offset += frame.Pixels.Length;
        }

        return new Frame(first.Index, first.Width, frames.Sum(f => f.Height), first.Channels, pixels);
    }
}
