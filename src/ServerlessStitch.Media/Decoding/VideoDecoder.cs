using System.Globalization;
using System.Runtime.CompilerServices;

namespace ServerlessStitch.Media;

/// <summary>
/// Decodes a frame range to upright RGB24 frames streamed from ffmpeg's stdout: no temporary
/// image files, and at most one frame in flight, so memory is bounded by what the caller keeps.
/// </summary>
public sealed class VideoDecoder(MediaTools? tools = null)
{
    private readonly MediaTools tools = tools ?? MediaTools.Default;

    /// <summary>
    /// Yields frames <paramref name="range"/> of <paramref name="video"/> as they arrive, indexed
    /// by their position in the whole video. Constant-rate input is seeked (ffmpeg decodes from the
    /// previous keyframe and discards up to the first wanted frame) and then exactly
    /// <see cref="FrameRange.Count"/> frames are read. Variable-rate input is resampled to
    /// <see cref="VideoInfo.FrameRate"/> from the start, because the resampled grid is only
    /// defined relative to the first frame. Cancelling, or leaving the loop early, kills ffmpeg.
    /// </summary>
    /// <exception cref="TruncatedVideoException">The file ended before the range did.</exception>
    public async IAsyncEnumerable<Frame> DecodeAsync(VideoInfo video, FrameRange range, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Check.NotNull(video);
        if (range.End > video.FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(range), range, $"{video.Path} has {video.FrameCount} frames.");
        }

        var purpose = $"decode frames {range} to RGB";
        await using var process = ToolProcess.Start(tools.FfmpegPath, Arguments(video, range), video.Path, purpose, pipeStdin: false, pipeStdout: true, cancellationToken);
        var frameBytes = checked((int)video.RgbFrameBytes);
        var delivered = 0;
        while (delivered < range.Count)
        {
            var pixels = new byte[frameBytes];
            int read;
            try
            {
                read = await process.StandardOutput.ReadAtLeastAsync(pixels, frameBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            if (read < frameBytes)
            {
                break;
            }

            yield return Frame.Rgb(range.Start + delivered, video.Width, video.Height, pixels);
            delivered++;
        }

        await process.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
        if (delivered < range.Count)
        {
            throw new TruncatedVideoException(video.Path, $"expected {range.Count} frames from frame {range.Start} but the video ended after {delivered}", purpose, process.StderrTail);
        }
    }

    private static List<string> Arguments(VideoInfo video, FrameRange range)
    {
        var arguments = new List<string> { "-nostdin", "-v", "error" };
        if (video.IsVariableFrameRate)
        {
            arguments.AddRange(["-i", video.Path, "-map", "0:v:0", "-vf", DecodeFilters.NormaliseAndTrim(video.FrameRate, range)]);
        }
        else
        {
            if (range.Start > 0)
            {
                // Half a frame before the wanted one: the frame at exactly that time is kept and
                // its predecessor is dropped, whatever way the decimal seconds round.
                var seconds = video.VideoStartSeconds + video.FrameRate.SecondsAt(range.Start - 0.5);
                arguments.AddRange(["-ss", seconds.ToString("0.######", CultureInfo.InvariantCulture)]);
            }

            arguments.AddRange(["-i", video.Path, "-map", "0:v:0", "-frames:v", range.Count.ToString(CultureInfo.InvariantCulture)]);
        }

        // Passthrough: one output frame per decoded frame, never duplicated or dropped by timestamps.
        arguments.AddRange(["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        return arguments;
    }
}
