using System.Diagnostics;
using ServerlessStitch.Media;
using ServerlessStitch.Models;

namespace ServerlessStitch.Pipeline.Tests;

/// <summary>Paths into the checkout, the shipped samples, and Debian's python3 for cross-checks against align.py.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(Root, "samples", name);

    /// <summary>Ground-truth landmarks of a sample: [frames][68 * 2] (x, y).</summary>
    public static float[][] Landmarks(string sample)
    {
        NpyArray array = NpyArray.Read(Sample(sample + ".landmarks.npy"));
        int frames = array.Shape[0], perFrame = array.Shape[1] * array.Shape[2];
        return Enumerable.Range(0, frames).Select(i => array.Values.AsSpan(i * perFrame, perFrame).ToArray()).ToArray();
    }

    public static async Task<Frame[]> DecodeAsync(string sample, int start, int end)
    {
        VideoInfo video = await new VideoProbe().ProbeAsync(Sample(sample));
        var frames = new List<Frame>();
        await foreach (Frame frame in new VideoDecoder().DecodeAsync(video, new FrameRange(start, end)))
        {
            frames.Add(frame);
        }
        return [.. frames];
    }

    /// <summary>Runs a Python snippet (cwd = models/, so <c>stitchmodels</c> imports) and returns its stdout.</summary>
    public static string RunPython(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.Combine(Root, "models"),
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"python3 failed: {stderr.Result}");
        return stdout;
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
