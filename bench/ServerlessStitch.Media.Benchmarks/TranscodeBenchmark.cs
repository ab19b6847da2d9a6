using System.Globalization;
using System.Text;

namespace ServerlessStitch.Media.Benchmarks;

/// <summary>
/// Decode + encode of a 720p clip through the wrapper (probe, RGB frames through two pipes,
/// encode, output check) against one plain ffmpeg process transcoding the same file with the
/// same x264 settings. Target: the wrapper reaches at least 0.8 of plain ffmpeg's frame rate.
/// </summary>
internal sealed class TranscodeBenchmark(string folder, string clip, int runs)
{
    public async Task ReportAsync(StringBuilder report)
    {
        var info = await new VideoProbe().ProbeAsync(clip);
        var probeTime = await Timing.MedianAsync(runs, () => new VideoProbe().ProbeAsync(clip));
        report.AppendLine(CultureInfo.InvariantCulture, $"Clip: {info.Width}x{info.Height}, {info.FrameCount} frames at {info.FrameRate} fps, {info.AudioStreams.Count} audio stream(s), {new FileInfo(clip).Length / 1e6:0.0} MB.");
        var headerOnly = Timing.Median(runs, () => PlainFfmpeg.RunProbe("-print_format", "json", "-show_format", "-show_streams", clip));
        report.AppendLine(CultureInfo.InvariantCulture, $"Probe: {probeTime.TotalMilliseconds:0} ms for VideoProbe (headers + packet count), against {headerOnly.TotalMilliseconds:0} ms for a plain ffprobe of the headers alone.");
        report.AppendLine();
        var decode = await Timing.MedianAsync(runs, async () =>
        {
            await foreach (var frame in new VideoDecoder().DecodeAsync(info, new FrameRange(0, info.FrameCount)))
            {
                GC.KeepAlive(frame);
            }
        });
        var plainDecode = Timing.Median(runs, () => PlainFfmpeg.Run("-i", clip, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-fps_mode", "passthrough", "/dev/null"));
        report.AppendLine(CultureInfo.InvariantCulture, $"Decode to RGB only: {info.FrameCount / decode.TotalSeconds:0.0} fps through VideoDecoder, {info.FrameCount / plainDecode.TotalSeconds:0.0} fps for plain ffmpeg writing the same RGB to /dev/null (ratio {plainDecode / decode:0.00}).");
        report.AppendLine();
        report.AppendLine("| preset | wrapper fps | plain ffmpeg fps | ratio | plain ffmpeg with an RGB round trip fps |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var preset in (string[])["veryfast", "medium"])
        {
            var options = new EncodeOptions { Preset = preset, Crf = 18 };
            var output = Path.Combine(folder, $"wrapper-{preset}.mp4");
            var wrapper = await Timing.MedianAsync(runs, async () =>
            {
                var probed = await new VideoProbe().ProbeAsync(clip);
                await new VideoEncoder().EncodeAsync(
                    EncodeRequest.Matching(probed, output) with { Options = options },
                    new VideoDecoder().DecodeAsync(probed, new FrameRange(0, probed.FrameCount)));
            });
            var plain = Timing.Median(runs, () => PlainFfmpeg.Run(Plain(clip, options, "scale=out_color_matrix=bt709:out_range=tv", Path.Combine(folder, $"plain-{preset}.mp4"))));
            var plainRgb = Timing.Median(runs, () => PlainFfmpeg.Run(Plain(clip, options, "format=rgb24,scale=out_color_matrix=bt709:out_range=tv", Path.Combine(folder, $"plain-rgb-{preset}.mp4"))));
            double Fps(TimeSpan time) => info.FrameCount / time.TotalSeconds;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {preset} | {Fps(wrapper):0.0} | {Fps(plain):0.0} | {Fps(wrapper) / Fps(plain):0.00} | {Fps(plainRgb):0.0} |");
        }
    }

    private static string[] Plain(string clip, EncodeOptions options, string filter, string output) =>
    [
        "-i", clip, "-map", "0:v:0", "-map", "0:a?", "-c:a", "copy",
        "-c:v", "libx264", "-preset", options.Preset, "-crf", options.Crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p",
        "-vf", filter, "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
        "-movflags", "+faststart", "-f", "mp4", output,
    ];
}
