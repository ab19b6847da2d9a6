using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ServerlessStitch.Pipeline.Job;

namespace ServerlessStitch.Pipeline.Benchmarks;

/// <summary>One edit job in a child process (this program with <c>--job</c>): its report, wall time and peak memory.</summary>
internal sealed record JobRun(JobReport Report, double WallSeconds, double PeakMegabytes, SpanTimes Spans)
{
    public const string Marker = "REPORT ";
    public const string PeakMarker = "PEAK_MB ";
    public const string SpansMarker = "SPANS ";

    /// <summary>Runs the job in a child process with at most <paramref name="parallel"/> activities at once.</summary>
    public static JobRun Start(string input, EditRequest request, int parallel = 1)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        // Under the `dotnet` host the child must be told the assembly; the apphost (named after the assembly, whose
        // dotted name has no extension to strip) is the program itself.
        if (Path.GetFileName(Environment.ProcessPath!) is "dotnet" or "dotnet.exe")
        {
            start.ArgumentList.Add(typeof(JobRun).Assembly.Location);
        }
        foreach (string arg in new[] { "--job", input, JsonSerializer.Serialize(request, JobBlobs.Json), parallel.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        string? report = null, peak = null, spans = null;
        for (string? line; (line = process.StandardOutput.ReadLine()) is not null;)
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal)) report = line[Marker.Length..];
            else if (line.StartsWith(PeakMarker, StringComparison.Ordinal)) peak = line[PeakMarker.Length..];
            else if (line.StartsWith(SpansMarker, StringComparison.Ordinal)) spans = line[SpansMarker.Length..];
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || report is null || peak is null || spans is null)
        {
            throw new InvalidOperationException($"The benchmark job on {input} failed (exit code {process.ExitCode}).");
        }
        return new JobRun(JsonSerializer.Deserialize<JobReport>(report, JobBlobs.Json)!, clock.Elapsed.TotalSeconds,
            double.Parse(peak, CultureInfo.InvariantCulture), JsonSerializer.Deserialize<SpanTimes>(spans, JobBlobs.Json)!);
    }
}

/// <summary>
/// What the workflow's own spans say about a run: the orchestration's wall time, the sum of its activity spans, and
/// per stage the wall time from its first activity's start to its last one's end.
/// </summary>
internal sealed record SpanTimes(double OrchestrationSeconds, double ActivitySeconds, IReadOnlyDictionary<string, double> StageWallSeconds)
{
    /// <summary>Orchestration time not spent inside an activity: scheduling, history and status writes, replay.</summary>
    public double OverheadSeconds => OrchestrationSeconds - ActivitySeconds;
}

/// <summary>Listens to the workflow's <see cref="ActivitySource"/> in the job's process and sums up its spans.</summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<Activity> _stopped = [];

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ServerlessStitch.Workflow.WorkflowTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span => { lock (_stopped) _stopped.Add(span); },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public SpanTimes Times()
    {
        lock (_stopped)
        {
            const string stageTag = ServerlessStitch.Workflow.WorkflowTelemetry.StageTag;
            var activities = _stopped.Where(s => s.GetTagItem(ServerlessStitch.Workflow.WorkflowTelemetry.ActivityTag) is not null).ToList();
            double orchestration = _stopped.Where(s => s.DisplayName.StartsWith("orchestration ", StringComparison.Ordinal)).Sum(s => s.Duration.TotalSeconds);
            var stages = activities.GroupBy(s => (string)s.GetTagItem(stageTag)!).ToDictionary(
                g => g.Key, g => Math.Round((g.Max(s => s.StartTimeUtc + s.Duration) - g.Min(s => s.StartTimeUtc)).TotalSeconds, 2), StringComparer.Ordinal);
            return new SpanTimes(orchestration, activities.Sum(s => s.Duration.TotalSeconds), stages);
        }
    }

    public void Dispose() => _listener.Dispose();
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
