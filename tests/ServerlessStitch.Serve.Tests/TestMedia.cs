using System.Diagnostics;
using System.Globalization;

namespace ServerlessStitch.Serve.Tests;

/// <summary>The repository's samples, and short clips cut from them so end-to-end runs stay short.</summary>
internal static class TestMedia
{
    public static string Root { get; } = FindRoot();

    public static string Manifest => Path.Combine(Root, "models", "manifest.json");

    /// <summary>The first <paramref name="frames"/> frames (video and audio) of a sample at 25 fps, as a new MP4.</summary>
    public static string Cut(string sample, int frames, string folder)
    {
        string path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(sample)}-{frames}.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (string arg in new[]
        {
            "-v", "error", "-y", "-i", Path.Combine(Root, "samples", sample), "-t", (frames / 25.0).ToString("R", CultureInfo.InvariantCulture),
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

    /// <summary>A 256x256 MP4 of <paramref name="frames"/> black frames at 25 fps.</summary>
    public static string Blank(int frames, string folder)
    {
        string path = Path.Combine(folder, $"blank-{frames}.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (string arg in new[]
        {
            "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=256x256:r=25", "-frames:v", frames.ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path,
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

    private static string FindRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ServerlessStitch.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No ServerlessStitch.sln above {AppContext.BaseDirectory}.");
    }
}
