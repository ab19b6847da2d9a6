namespace ServerlessStitch.Media;

/// <summary>What <see cref="VideoProbe"/> learnt about a video file.</summary>
/// <param name="Path">The probed file.</param>
/// <param name="Duration">Container duration.</param>
/// <param name="FrameRate">
/// The constant rate frames are decoded and encoded at. For constant-rate input it is the
/// stream's rate; for variable-rate input it is the average rate the decoder normalises to.
/// </param>
/// <param name="IsVariableFrameRate">True when frame timestamps are not evenly spaced; decoding then resamples to <see cref="FrameRate"/>.</param>
/// <param name="FrameCount">Frames a full decode yields (after normalisation for variable-rate input).</param>
/// <param name="Width">Upright width, after the rotation is applied.</param>
/// <param name="Height">Upright height, after the rotation is applied.</param>
/// <param name="CodedWidth">Width as stored in the stream, before rotation.</param>
/// <param name="CodedHeight">Height as stored in the stream, before rotation.</param>
/// <param name="Rotation">Display-matrix rotation in degrees, in [0, 360); frames are decoded already upright.</param>
/// <param name="StreamFrameRate">The stream's declared rate (ffprobe r_frame_rate).</param>
/// <param name="AverageFrameRate">Frames divided by duration (ffprobe avg_frame_rate).</param>
/// <param name="PixelFormat">The stream's pixel format, e.g. yuv420p.</param>
/// <param name="ColorRange">"tv" (limited), "pc" (full) or "unknown".</param>
/// <param name="VideoCodec">The video codec name, e.g. h264.</param>
/// <param name="VideoStartSeconds">Start time of the video stream relative to the file's start; seeks are offset by it.</param>
/// <param name="AudioStreams">Audio streams in file order; empty when the file has none.</param>
public sealed record VideoInfo(
    string Path,
    TimeSpan Duration,
    Rational FrameRate,
    Rational StreamFrameRate,
    Rational AverageFrameRate,
    bool IsVariableFrameRate,
    int FrameCount,
    int Width,
    int Height,
    int CodedWidth,
    int CodedHeight,
    int Rotation,
    string PixelFormat,
    string ColorRange,
    string VideoCodec,
    double VideoStartSeconds,
    IReadOnlyList<AudioStreamInfo> AudioStreams)
{
    public bool HasAudio => AudioStreams.Count > 0;

    /// <summary>Bytes of one RGB24 frame at the upright size.</summary>
    public long RgbFrameBytes => (long)Width * Height * 3;
}

/// <summary>One audio stream of a probed file.</summary>
public sealed record AudioStreamInfo(int Index, string Codec, int SampleRate, int Channels, TimeSpan? Duration);
