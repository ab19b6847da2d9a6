namespace ServerlessStitch.Media;

/// <summary>
/// The largest input the pipeline accepts; checked by <see cref="VideoProbe"/> before any frame is
/// decoded, so an oversized upload fails fast instead of exhausting memory or a time budget.
/// </summary>
public sealed class MediaLimits
{
    /// <summary>Defaults sized for the pipeline: 4K frames, ten minutes, 18 000 frames.</summary>
    public static MediaLimits Default { get; } = new();

    public int MaxWidth { get; init; } = 3840;

    public int MaxHeight { get; init; } = 3840;

    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(10);

    public int MaxFrames { get; init; } = 18_000;

    internal void EnforceSize(string input, int width, int height)
    {
        if (width > MaxWidth)
        {
            throw new MediaLimitExceededException(input, nameof(MaxWidth), MaxWidth, width);
        }

        if (height > MaxHeight)
        {
            throw new MediaLimitExceededException(input, nameof(MaxHeight), MaxHeight, height);
        }
    }

    internal void EnforceDuration(string input, TimeSpan duration)
    {
        if (duration > MaxDuration)
        {
            throw new MediaLimitExceededException(input, nameof(MaxDuration), MaxDuration, duration);
        }
    }

    internal void EnforceFrames(string input, int frames)
    {
        if (frames > MaxFrames)
        {
            throw new MediaLimitExceededException(input, nameof(MaxFrames), MaxFrames, frames);
        }
    }
}
