using System.Diagnostics;
using System.Globalization;

namespace ServerlessStitch.Workflow.Tests;

/// <summary>Paths into the checkout, and short clips cut from the shipped samples so end-to-end runs stay short.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Manifest => Path.Combine(Root, "models", "manifest.json");

    /// <summary>The <c>stitch</c> CLI built in the configuration of these tests.</summary>
    public static string Cli => Path.Combine(Root, "src", "ServerlessStitch.Cli", "bin",
        AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release", "net10.0", "stitch.dll");

    /// <summary>The first <paramref name="frames"/> frames of a sample (video and audio) as a new clip in <paramref name="folder"/>.</summary>
    public static string ShortClip(string sample, int frames, double fps, string folder)
    {
        string path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(sample)}-{frames}.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (string arg in new[]
        {
            "-v", "error", "-y", "-i", Path.Combine(Root, "samples", sample), "-t", (frames / fps).ToString("R", CultureInfo.InvariantCulture),
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

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerlessStitch.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("ServerlessStitch.sln not found above " + AppContext.BaseDirectory);
    }
}
