namespace ServerlessStitch.Media;

/// <summary>x264 settings. CRF 18 is visually lossless for most footage, so an edit is not hidden by compression loss.</summary>
public sealed class EncodeOptions
{
    public static EncodeOptions Default { get; } = new();

    /// <summary>Constant rate factor, 0 (lossless) to 51; lower is better quality.</summary>
    public int Crf { get; init; } = 18;

    /// <summary>x264 preset: ultrafast ... veryslow.</summary>
    public string Preset { get; init; } = "medium";

    /// <summary>Bit rate used when the audio has to be re-encoded to AAC.</summary>
    public string AudioBitrate { get; init; } = "192k";
}
