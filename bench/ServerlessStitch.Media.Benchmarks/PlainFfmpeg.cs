using System.Diagnostics;

namespace ServerlessStitch.Media.Benchmarks;

/// <summary>Runs ffmpeg directly: to make the benchmark clip and as the baseline the wrapper is compared with.</summary>
internal static class PlainFfmpeg
{
    public static void Run(params string[] arguments) => Execute("ffmpeg", ["-nostdin", "-v", "error", "-y", .. arguments]);

    public static void RunProbe(params string[] arguments) => Execute("ffprobe", ["-v", "error", .. arguments]);

    private static void Execute(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        output.GetAwaiter().GetResult();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed: {errors}");
        }
    }

    /// <summary>
    /// A 720p clip at 30000/1001 with stereo AAC. testsrc2 alone compresses unrealistically well,
    /// so temporal noise stands in for camera sensor noise.
    /// </summary>
    public static void Make720p(string path, int frames) => Run(
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30000/1001,noise=alls=10:allf=t+u",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-map", "0:v", "-map", "1:a", "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture), "-shortest",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-ac", "2", "-c:a", "aac", path);
}
