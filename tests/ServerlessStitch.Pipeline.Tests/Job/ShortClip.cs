using System.Diagnostics;
using System.Globalization;

namespace ServerlessStitch.Pipeline.Tests.Job;

/// <summary>The first frames of a sample (video and audio) as a new clip, so end-to-end runs stay short.</summary>
internal static class ShortClip
{
    public static string Cut(string sample, int frames, double fps, string folder)
    {
        string path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(sample)}-{frames}.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (string arg in new[]
        {
            "-v", "error", "-y", "-i", Repository.Sample(sample), "-t", (frames / fps).ToString("R", CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p", "-c:a", "aac", path,
        })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "ffmpeg failed: " + stderr);
        return path;
    }
}
