namespace ServerlessStitch.Media;

/// <summary>Where the ffmpeg and ffprobe executables are; by default whatever PATH finds (Debian's apt package).</summary>
public sealed class MediaTools
{
    public static MediaTools Default { get; } = new();

    public string FfmpegPath { get; init; } = "ffmpeg";

    public string FfprobePath { get; init; } = "ffprobe";
}
