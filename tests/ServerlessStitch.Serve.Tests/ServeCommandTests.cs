using System.Diagnostics;

namespace ServerlessStitch.Serve.Tests;

/// <summary>`stitch serve` as the real process, and the options check behind it.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public void Validate_NoKeyAndNotInsecure_ThrowsNamingBothWays()
    {
        var e = Assert.Throws<ServeConfigurationException>(() => new ServeOptions().Validate());

        Assert.Contains("STITCH_API_KEY", e.Message, StringComparison.Ordinal);
        Assert.Contains("--insecure-no-auth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InsecureWithoutKey_Passes() => new ServeOptions { AllowAnonymous = true }.Validate();

    [Fact]
    public async Task Serve_SigTermOnceListening_ExitsWith0()
    {
        string data = Directory.CreateTempSubdirectory("serve-cli-").FullName;
        // Port 0: the server binds a free port itself and prints it (a port probed here first could be taken meanwhile).
        using var process = Start("serve", "--port", "0", "--data", data, "--insecure-no-auth", "--no-blob-drop", "--models", TestMedia.Manifest);
        try
        {
            string line = await Listening(process).Task.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.Matches(@"listening on http://127\.0\.0\.1:[1-9][0-9]*/ ", line);

            using (var kill = Process.Start("kill", ["-TERM", $"{process.Id}"]))
            {
                await kill!.WaitForExitAsync();
            }
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exit.Token);

            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_NoKeyConfigured_ExitsWith2AndSaysHowToFixIt()
    {
        using var process = Start("serve", "--port", "0", "--data", Path.GetTempPath());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("stitch serve: No API key is configured", await stderr, StringComparison.Ordinal);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, TaskCompletionSource<string>> ListeningLines = new();

    /// <summary>Completes with the "listening on" line the server prints once it serves.</summary>
    private static TaskCompletionSource<string> Listening(Process process) =>
        ListeningLines.GetValue(process, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>The real stitch executable (copied next to the tests), with no API key in its environment.</summary>
    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "stitch.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("STITCH_API_KEY");
        var process = Process.Start(start)!;
        // Drain stdout so the server never blocks on a full pipe.
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("stitch serve: listening on", StringComparison.Ordinal) == true)
            {
                Listening(process).TrySetResult(e.Data);
            }
        };
        process.BeginOutputReadLine();
        return process;
    }
}
