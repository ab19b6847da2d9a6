namespace ServerlessStitch.Media;

/// <summary>What an encode produced, as measured on the written file.</summary>
/// <param name="OutputPath">The committed file.</param>
/// <param name="FrameCount">Video packets in the output, counted after writing.</param>
/// <param name="PixelFormat">yuv420p, or yuv444p for odd sizes (see <see cref="VideoEncoder"/>).</param>
/// <param name="Audio">How each source audio stream was carried over; empty when there was none.</param>
public sealed record EncodeResult(string OutputPath, int FrameCount, string PixelFormat, IReadOnlyList<AudioHandling> Audio);

/// <summary>How one audio stream reached the output.</summary>
public sealed record AudioHandling(int SourceIndex, string SourceCodec, bool Copied);
