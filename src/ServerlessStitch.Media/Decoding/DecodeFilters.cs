namespace ServerlessStitch.Media;

/// <summary>The ffmpeg filter text shared by the decoder and the probe, so both count frames the same way.</summary>
internal static class DecodeFilters
{
    /// <summary>Resamples variable-rate input onto a constant grid (duplicating or dropping frames).</summary>
    public static string Normalise(Rational rate) => $"fps={rate}";

    /// <summary>Normalises, then keeps frames [start, end) of the normalised stream.</summary>
    public static string NormaliseAndTrim(Rational rate, FrameRange range) => $"{Normalise(rate)},trim=start_frame={range.Start}:end_frame={range.End}";
}
