using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ServerlessStitch.Pipeline.Job;

namespace ServerlessStitch.Pipeline.Benchmarks;

/// <summary>One edit job in a child process (this program with <c>--job</c>): its report, wall time and peak memory.</summary>
internal sealed record JobRun(JobReport Report, double WallSeconds, double PeakMegabytes)
{
    public const string Marker = "REPORT ";
    public const string PeakMarker = "PEAK_MB ";

    public static JobRun Start(string input, EditRequest request)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        // Under the `dotnet` host the child must be told the assembly; the apphost (named after the assembly, whose
        // dotted name has no extension to strip) is the program itself.
        if (Path.GetFileName(Environment.ProcessPath!) is "dotnet" or "dotnet.exe")
        {
            start.ArgumentList.Add(typeof(JobRun).Assembly.Location);
        }
        foreach (string arg in new[] { "--job", input, JsonSerializer.Serialize(request, JobBlobs.Json) })
        {
            start.ArgumentList.Add(arg);
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        string? report = null, peak = null;
        for (string? line; (line = process.StandardOutput.ReadLine()) is not null;)
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal)) report = line[Marker.Length..];
            else if (line.StartsWith(PeakMarker, StringComparison.Ordinal)) peak = line[PeakMarker.Length..];
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || report is null || peak is null)
        {
            throw new InvalidOperationException($"The benchmark job on {input} failed (exit code {process.ExitCode}).");
        }
        return new JobRun(JsonSerializer.Deserialize<JobReport>(report, JobBlobs.Json)!, clock.Elapsed.TotalSeconds,
            double.Parse(peak, CultureInfo.InvariantCulture));
    }
}

/// <summary>This process's peak resident memory (VmHWM in /proc/self/status).</summary>
internal static class PeakMemory
{
    public static double Megabytes()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}

/// <summary>Longer clips from the samples, for the memory-vs-length measurement.</summary>
internal static class Clips
{
    public static string Loop(string input, int times, string output)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (string arg in new[] { "-v", "error", "-y", "-stream_loop", (times - 1).ToString(CultureInfo.InvariantCulture), "-i", input,
                     "-c:v", "libx264", "-preset", "veryfast", "-crf", "14", "-pix_fmt", "yuv420p", "-c:a", "aac", output })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException("ffmpeg failed: " + stderr);
    }
}
