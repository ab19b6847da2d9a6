using System.Globalization;

namespace ServerlessStitch.Media;

/// <summary>
/// Base of every media failure. The message names the input and the problem; when an ffmpeg or
/// ffprobe run was involved, <see cref="Purpose"/> says what that run was for and
/// <see cref="ToolOutput"/> holds the tail of its stderr.
/// </summary>
public class MediaException : Exception
{
    public MediaException(string input, string message, string? purpose = null, string? toolOutput = null, Exception? innerException = null)
        : base(Compose(input, message, purpose, toolOutput), innerException)
    {
        Input = input;
        Purpose = purpose;
        ToolOutput = toolOutput;
    }

    /// <summary>The file, blob or stream the failure concerns.</summary>
    public string Input { get; }

    /// <summary>What the failed command was doing (e.g. "decode frames 30-59"), or null.</summary>
    public string? Purpose { get; }

    /// <summary>The last lines ffmpeg or ffprobe wrote to stderr, or null.</summary>
    public string? ToolOutput { get; }

    private static string Compose(string input, string message, string? purpose, string? toolOutput)
    {
        var text = $"{input}: {message}";
        if (purpose is not null)
        {
            text += $" (while trying to {purpose})";
        }

        if (!string.IsNullOrWhiteSpace(toolOutput))
        {
            text += $"{Environment.NewLine}ffmpeg said:{Environment.NewLine}{toolOutput}";
        }

        return text;
    }
}

/// <summary>The input is not a video ffmpeg can read: a text file, an image, an audio-only file.</summary>
public sealed class NotAVideoException(string input, string message, string? purpose = null, string? toolOutput = null)
    : MediaException(input, message, purpose, toolOutput);

/// <summary>The input ends early: an interrupted upload or copy.</summary>
public sealed class TruncatedVideoException(string input, string message, string? purpose = null, string? toolOutput = null)
    : MediaException(input, message, purpose, toolOutput);

/// <summary>The input has a video stream that holds no frames.</summary>
public sealed class NoFramesException(string input)
    : MediaException(input, "the video stream has no frames");

/// <summary>The input is larger than a configured <see cref="MediaLimits"/> value; nothing was decoded.</summary>
public sealed class MediaLimitExceededException(string input, string limitName, object limit, object actual)
    : MediaException(input, string.Create(CultureInfo.InvariantCulture, $"{limitName} is {limit} but the video has {actual}"))
{
    /// <summary>The <see cref="MediaLimits"/> property that was exceeded, e.g. "MaxWidth".</summary>
    public string LimitName { get; } = limitName;
}

/// <summary>An ffmpeg or ffprobe run failed for a reason not covered by a more specific type.</summary>
public sealed class MediaToolException(string input, string message, string purpose, string? toolOutput, int exitCode)
    : MediaException(input, message, purpose, toolOutput)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>A frame chunk is damaged: wrong magic, unknown version, truncated payload or checksum mismatch.</summary>
public sealed class FrameChunkCorruptException(string input, string message)
    : MediaException(input, message);
