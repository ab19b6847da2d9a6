using System.Collections.Concurrent;
using System.Diagnostics;
using ServerlessStitch.Workflow.Tests;

namespace ServerlessStitch.GpuWorker.Tests;

/// <summary>The real <c>stitch-gpu-worker</c> as a child process, its log lines collected as they come.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private WorkerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The worker built in the configuration of these tests.</summary>
    public static string Program => Path.Combine(Repository.Root, "src", "ServerlessStitch.GpuWorker", "bin",
        AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release", "net10.0", "stitch-gpu-worker.dll");

    public IReadOnlyList<string> Lines => [.. _lines];

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static WorkerProcess Start(string name, string storage, string mode, TimeSpan visibility, int maxAttempts = 3)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Program);
        start.Environment["STITCH_STORAGE"] = storage;
        start.Environment["STITCH_MODELS"] = Repository.Manifest;
        start.Environment["STITCH_WORKER_MODE"] = mode;
        start.Environment["STITCH_DEVICE"] = "cpu";
        start.Environment["STITCH_THREADS"] = "1";
        start.Environment["STITCH_PTI_VISIBILITY"] = visibility.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["STITCH_PTI_MAX_ATTEMPTS"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["STITCH_POLL_INTERVAL"] = "0.2";
        return new WorkerProcess(Process.Start(start)!, name);
    }

    public int Count(string text) => _lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits for a log line containing <paramref name="text"/>; fails with the log if it does not come.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }
            if (_process.HasExited && _process.WaitForExit(100) && !_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                Assert.Fail($"{Name} exited ({_process.ExitCode}) before logging '{text}':\n{Log()}");
            }
            await Task.Delay(50);
        }
        Assert.Fail($"{Name} did not log '{text}' within {timeout}:\n{Log()}");
        return "";
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>What Container Apps does on scale-in or a new revision.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>A crash: SIGKILL, nothing runs after it.</summary>
    public void Crash()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public string Log() => string.Join('\n', _lines.Select(l => $"[{Name}] {l}"));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
