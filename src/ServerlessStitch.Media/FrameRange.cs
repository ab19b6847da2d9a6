namespace ServerlessStitch.Media;

/// <summary>The frames [Start, End) of a video, counted from zero.</summary>
public readonly record struct FrameRange
{
    public FrameRange(int start, int end)
    {
        Check.NotNegative(start);
        if (end <= start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, $"Must be after start ({start}).");
        }

        Start = start;
        End = end;
    }

    public int Start { get; }

    public int End { get; }

    public int Count => End - Start;

    /// <summary>Splits [0, total) into consecutive ranges of at most <paramref name="size"/> frames.</summary>
    public static IReadOnlyList<FrameRange> Split(int total, int size)
    {
        Check.Positive(total);
        Check.Positive(size);
        var ranges = new List<FrameRange>();
        for (var start = 0; start < total; start += size)
        {
            ranges.Add(new FrameRange(start, Math.Min(total, start + size)));
        }

        return ranges;
    }

    public override string ToString() => $"[{Start}, {End})";
}
