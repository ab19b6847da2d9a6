using System.Diagnostics;
using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Workflow.Tests.Edit;

/// <summary>
/// <c>stitch edit</c> as a child process, killed with SIGKILL once a stitch activity has started, then run again:
/// the second host resumes the same instance and finishes, and the attempt log proves that no activity recorded
/// before the kill ran again.
/// </summary>
public sealed class CrashResumeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wf-crash-").FullName;

    [Fact]
    public async Task StitchEdit_KilledDuringStitching_ResumesWithoutRerunningCompletedActivities()
    {
        string clip = Repository.ShortClip("calm.mp4", 12, 25, _folder);
        string data = Path.Combine(_folder, "store");
        var clock = Stopwatch.StartNew();

        using (var first = StartEdit(clip, data))
        {
            string jobId = await ReadJobIdAsync(first);
            string attempts = Path.Combine(data, "stitch-workflow", "attempts", jobId);
            while (!Directory.Exists(attempts) || !Directory.EnumerateDirectories(attempts, "a-StitchChunk-*").Any())
            {
                Assert.False(first.HasExited, "stitch edit ended before stitching started");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), "stitching never started");
                await Task.Delay(50);
            }
            first.Kill(entireProcessTree: true); // SIGKILL: no cleanup, no final writes
            await first.WaitForExitAsync();
        }
        output.WriteLine($"killed after {clock.Elapsed.TotalSeconds:F1} s");
        var store = new FileSystemBlobStore(data);
        string id = Path.GetFileName(Directory.GetDirectories(Path.Combine(data, "stitch-workflow", "history")).Single());
        var recordedBeforeKill = Directory.GetFiles(Path.Combine(data, "stitch-workflow", "history", id)).Select(f => Path.GetFileNameWithoutExtension(f)).ToHashSet();
        await using var reader = new LocalWorkflowHost(store, new WorkflowRegistry());
        var killed = await reader.GetStatusAsync(id);

        using (var second = StartEdit(clip, data))
        {
            string rest = await second.StandardOutput.ReadToEndAsync();
            string errors = await second.StandardError.ReadToEndAsync();
            await second.WaitForExitAsync();
            Assert.True(second.ExitCode == 0, $"the resumed run failed ({second.ExitCode}): {errors}\n{rest}");
        }
        output.WriteLine($"finished after {clock.Elapsed.TotalSeconds:F1} s");

        var status = await reader.GetStatusAsync(id);
        var attemptsByKey = (await reader.GetAttemptsAsync(id)).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.ToList());
        var rerun = attemptsByKey.Where(p => p.Value.Count > 1).Select(p => p.Key).ToList();
        output.WriteLine($"{recordedBeforeKill.Count} steps recorded before the kill; run twice: {string.Join(", ", rerun)}");

        Assert.Equal(WorkflowRuntimeStatus.Running, killed!.RuntimeStatus);
        Assert.Equal(WorkflowRuntimeStatus.Completed, status!.RuntimeStatus);
        Assert.Contains(recordedBeforeKill, k => k.StartsWith("a-InvertChunk-", StringComparison.Ordinal));
        Assert.All(recordedBeforeKill, key => Assert.Single(attemptsByKey[key]));
        Assert.InRange(rerun.Count, 1, 2); // the attempts running when it was killed (--parallel 2)
        Assert.All(rerun, key => Assert.StartsWith("a-StitchChunk-", key, StringComparison.Ordinal));
        Assert.Equal(2, attemptsByKey.Values.SelectMany(a => a).Select(a => a.ProcessId).Distinct().Count());
        string video = Path.Combine(_folder, "output.mp4");
        await new JobBlobs(store, new JobPaths(id)).DownloadAsync(new JobPaths(id).Output, video, CancellationToken.None);
        Assert.Equal(12, (await new VideoProbe().ProbeAsync(video)).FrameCount);
    }

    private Process StartEdit(string clip, string data)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        foreach (string arg in new[]
        {
            Repository.Cli, "edit", clip, "--edit", "smile", "--chunk-size", "5", "--pti-passes", "6", "--stitching-iterations", "30",
            "--data", data, "--models", Repository.Manifest, "--threads", "1", "--parallel", "2", "-o", Path.Combine(_folder, "edited.mp4"),
        })
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    /// <summary>The first line of <c>stitch edit</c> is "job ID: ..."; the rest of its output is drained so the pipe never fills.</summary>
    private static async Task<string> ReadJobIdAsync(Process process)
    {
        string line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("stitch edit printed nothing: " + await process.StandardError.ReadToEndAsync());
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        Assert.StartsWith("job ", line, StringComparison.Ordinal);
        return line[4..line.IndexOf(':', StringComparison.Ordinal)];
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
