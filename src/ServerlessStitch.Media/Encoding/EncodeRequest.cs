namespace ServerlessStitch.Media;

/// <summary>What to encode: the output file, the frame geometry and rate, and where the audio comes from.</summary>
/// <param name="OutputPath">The MP4 to write; it appears only once the encode has succeeded.</param>
/// <param name="Width">Frame width; odd values are kept exactly.</param>
/// <param name="Height">Frame height; odd values are kept exactly.</param>
/// <param name="FrameRate">The exact output rate.</param>
/// <param name="AudioSource">A probed file whose audio streams are muxed in, or null for no audio.</param>
/// <param name="ExpectedFrameCount">When set, an encode fed a different number of frames fails instead of committing.</param>
public sealed record EncodeRequest(
    string OutputPath,
    int Width,
    int Height,
    Rational FrameRate,
    VideoInfo? AudioSource = null,
    int? ExpectedFrameCount = null)
{
    public EncodeOptions Options { get; init; } = EncodeOptions.Default;

    /// <summary>An output matching <paramref name="source"/>: same size, rate, frame count and audio.</summary>
    public static EncodeRequest Matching(VideoInfo source, string outputPath)
    {
        Check.NotNull(source);
        return new EncodeRequest(outputPath, source.Width, source.Height, source.FrameRate, source.HasAudio ? source : null, source.FrameCount);
    }
}
