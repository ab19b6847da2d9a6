using System.Globalization;
using System.Text.Json;

namespace ServerlessStitch.Media;

/// <summary>
/// Reads a video's figures with ffprobe and refuses inputs above <see cref="MediaLimits"/> before
/// anything is decoded. The frame count is never taken on trust: every video packet is listed
/// (a demux pass, no decoding), which also exposes truncated files and uneven timestamps.
/// </summary>
public sealed class VideoProbe(MediaLimits? limits = null, MediaTools? tools = null)
{
    private readonly MediaLimits limits = limits ?? MediaLimits.Default;
    private readonly MediaTools tools = tools ?? MediaTools.Default;

    /// <summary>Probes <paramref name="path"/>. Cancelling stops the running ffprobe or ffmpeg.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="MediaException">A typed reason the file cannot be used.</exception>
    public async Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken = default)
    {
        Check.NotEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such video file", path);
        }

        var header = await ReadHeaderAsync(path, cancellationToken).ConfigureAwait(false);
        var stream = header.Video ?? throw new NotAVideoException(path, "the file has no video stream", "read the stream headers");
        if (header.IsStillImage)
        {
            throw new NotAVideoException(path, $"the file is a still image ({header.FormatName}), not a video", "read the stream headers");
        }

        var rotation = StreamHeader.Rotation(stream);
        var codedWidth = stream.GetInt("width");
        var codedHeight = stream.GetInt("height");
        var (width, height) = rotation is 90 or 270 ? (codedHeight, codedWidth) : (codedWidth, codedHeight);
        limits.EnforceSize(path, width, height);
        var duration = header.Duration;
        limits.EnforceDuration(path, duration);

        var timeBase = Rational.TryParse(stream.GetString("time_base")) ?? throw new NotAVideoException(path, "the video stream has no time base", "read the stream headers");
        var streamRate = Rational.TryParse(stream.GetString("r_frame_rate"));
        var averageRate = Rational.TryParse(stream.GetString("avg_frame_rate"));
        var packets = await PacketScan.RunAsync(tools, path, cancellationToken).ConfigureAwait(false);
        if (packets.Count == 0)
        {
            throw new NoFramesException(path);
        }

        var declared = stream.GetIntOrNull("nb_frames");
        if (declared is { } expected && packets.Count < expected)
        {
            throw new TruncatedVideoException(path, $"the index lists {expected} frames but only {packets.Count} are present", "count the video packets", packets.StderrTail);
        }

        limits.EnforceFrames(path, packets.Count);
        var nominalRate = ValidRate(streamRate) ?? ValidRate(averageRate)
            ?? throw new NotAVideoException(path, "the video stream declares no frame rate", "read the stream headers");
        var isVariable = packets.IsVariableRate(timeBase, nominalRate);
        var rate = isVariable ? ValidRate(averageRate) ?? nominalRate : nominalRate;
        var frameCount = isVariable
            ? await NormalisedFrameCounter.CountAsync(tools, path, rate, cancellationToken).ConfigureAwait(false)
            : packets.Count;
        if (frameCount == 0)
        {
            throw new NoFramesException(path);
        }

        limits.EnforceFrames(path, frameCount);
        var streamStart = stream.GetDoubleOrNull("start_time") ?? 0;
        var fileStart = header.StartSeconds ?? streamStart;
        return new VideoInfo(
            path,
            duration,
            rate,
            streamRate ?? rate,
            averageRate ?? rate,
            isVariable,
            frameCount,
            width,
            height,
            codedWidth,
            codedHeight,
            rotation,
            stream.GetString("pix_fmt") ?? "unknown",
            stream.GetString("color_range") ?? "unknown",
            stream.GetString("codec_name") ?? "unknown",
            Math.Max(0, streamStart - fileStart),
            header.Audio);
    }

    private static Rational? ValidRate(Rational? rate) => rate is { IsPositive: true } ? rate : null;

    private async Task<StreamHeader> ReadHeaderAsync(string path, CancellationToken cancellationToken)
    {
        string[] arguments = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path];
        var json = await ToolRun.ReadStdoutAsync(tools.FfprobePath, arguments, path, "read the stream headers", cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(json);
            return StreamHeader.Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new NotAVideoException(path, $"ffprobe's description could not be read ({ex.Message})", "read the stream headers");
        }
    }
}

/// <summary>The parts of ffprobe's JSON the probe needs, copied out of the document.</summary>
internal sealed record StreamHeader(JsonElement? Video, TimeSpan Duration, double? StartSeconds, IReadOnlyList<AudioStreamInfo> Audio, string FormatName)
{
    /// <summary>ffmpeg reads single images through its image demuxers (png_pipe, image2, ...); they have a "video" stream too.</summary>
    public bool IsStillImage => FormatName == "image2" || FormatName.EndsWith("_pipe", StringComparison.Ordinal);

    public static StreamHeader Parse(JsonElement root)
    {
        JsonElement? video = null;
        var audio = new List<AudioStreamInfo>();
        if (root.TryGetProperty("streams", out var streams))
        {
            foreach (var stream in streams.EnumerateArray())
            {
                var type = stream.GetString("codec_type");
                // Cover art is stored as a one-frame video stream; it is not the video.
                var isCoverArt = stream.TryGetProperty("disposition", out var disposition) && disposition.GetIntOrNull("attached_pic") == 1;
                if (type == "video" && !isCoverArt && video is null)
                {
                    video = stream.Clone();
                }
                else if (type == "audio")
                {
                    audio.Add(new AudioStreamInfo(
                        stream.GetInt("index"),
                        stream.GetString("codec_name") ?? "unknown",
                        stream.GetIntOrNull("sample_rate") ?? 0,
                        stream.GetIntOrNull("channels") ?? 0,
                        StreamDuration(stream)));
                }
            }
        }

        var format = root.TryGetProperty("format", out var f) ? f : default;
        var seconds = (format.ValueKind == JsonValueKind.Object ? format.GetDoubleOrNull("duration") : null)
            ?? video?.GetDoubleOrNull("duration") ?? 0;
        var start = format.ValueKind == JsonValueKind.Object ? format.GetDoubleOrNull("start_time") : null;
        var formatName = (format.ValueKind == JsonValueKind.Object ? format.GetString("format_name") : null) ?? string.Empty;
        return new StreamHeader(video, TimeSpan.FromSeconds(seconds), start, audio, formatName);
    }

    /// <summary>The stream's duration, or Matroska's DURATION tag ("00:00:01.200000000") where the stream has none.</summary>
    private static TimeSpan? StreamDuration(JsonElement stream)
    {
        if (stream.GetDoubleOrNull("duration") is { } seconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var tag = stream.TryGetProperty("tags", out var tags) ? tags.GetString("DURATION") : null;
        // TimeSpan parses at most seven fractional digits; Matroska writes nine.
        var dot = tag?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        var trimmed = dot >= 0 && tag!.Length > dot + 8 ? tag[..(dot + 8)] : tag;
        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var duration) ? duration : null;
    }

    /// <summary>
    /// The display rotation in degrees, in [0, 360), from the display matrix (or the rotate tag
    /// older muxers wrote). Its sign convention has changed between ffmpeg releases, so it is only
    /// used to know whether width and height swap; the pixels are turned by ffmpeg's autorotate.
    /// </summary>
    public static int Rotation(JsonElement stream)
    {
        double? degrees = null;
        if (stream.TryGetProperty("side_data_list", out var sideData))
        {
            foreach (var item in sideData.EnumerateArray())
            {
                degrees ??= item.GetDoubleOrNull("rotation");
            }
        }

        degrees ??= stream.TryGetProperty("tags", out var tags) ? tags.GetDoubleOrNull("rotate") : null;
        var normalised = (int)Math.Round(degrees ?? 0) % 360;
        return normalised < 0 ? normalised + 360 : normalised;
    }
}

/// <summary>ffprobe prints numbers as strings or numbers depending on the field; these read both.</summary>
internal static class JsonFields
{
    public static string? GetString(this JsonElement element, string name)
        => element.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    public static double? GetDoubleOrNull(this JsonElement element, string name)
        => double.TryParse(element.GetString(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static int? GetIntOrNull(this JsonElement element, string name)
        => int.TryParse(element.GetString(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static int GetInt(this JsonElement element, string name) => element.GetIntOrNull(name) ?? 0;
}
