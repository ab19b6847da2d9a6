using System.ComponentModel;
using System.Diagnostics;

namespace ServerlessStitch.Media;

/// <summary>
/// One running ffmpeg or ffprobe. Arguments go through <see cref="ProcessStartInfo.ArgumentList"/>
/// (no shell, no quoting bugs with odd file names); stderr is drained into a bounded tail so the
/// child never blocks on a full pipe; cancelling the token or disposing kills the whole process tree.
/// </summary>
internal sealed class ToolProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StderrTail stderr = new();
    private readonly CancellationTokenRegistration killOnCancel;

    private ToolProcess(Process process, string input, string purpose, CancellationToken cancellationToken)
    {
        this.process = process;
        Input = input;
        Purpose = purpose;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr.Add(e.Data);
            }
        };
        process.BeginErrorReadLine();
        killOnCancel = cancellationToken.Register(Kill);
    }

    public string Input { get; }

    public string Purpose { get; }

    public Stream StandardInput => process.StandardInput.BaseStream;

    public Stream StandardOutput => process.StandardOutput.BaseStream;

    /// <summary>Starts the tool. Without <paramref name="pipeStdin"/> the caller must pass -nostdin to ffmpeg.</summary>
    public static ToolProcess Start(
        string executable,
        IEnumerable<string> arguments,
        string input,
        string purpose,
        bool pipeStdin,
        bool pipeStdout,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardInput = pipeStdin,
            RedirectStandardOutput = pipeStdout,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new MediaToolException(input, $"cannot start '{executable}' ({ex.Message}); install ffmpeg (apt-get install ffmpeg) or set MediaTools paths", purpose, null, -1);
        }

        return new ToolProcess(process, input, purpose, cancellationToken);
    }

    /// <summary>
    /// Waits for the tool to exit and throws the matching <see cref="MediaException"/> when it failed.
    /// Cancelling kills the tool and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task WaitForSuccessAsync(CancellationToken cancellationToken)
    {
        // The registration from Start kills the child on cancellation, which ends this wait.
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            throw Failure($"{Path.GetFileName(process.StartInfo.FileName)} exited with code {process.ExitCode}");
        }
    }

    /// <summary>Gives a tool that just broke its pipe a moment to exit so its stderr is complete, then kills it.</summary>
    public async Task WaitForExitOrKillAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The tail of stderr so far.</summary>
    public string StderrTail => stderr.ToString();

    /// <summary>Builds the typed exception for a failure of this run, choosing the type from what ffmpeg said.</summary>
    public MediaException Failure(string message) => ToolErrorClassifier.Classify(Input, message, Purpose, StderrTail, process.HasExited ? process.ExitCode : -1);

    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited: nothing to stop.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await killOnCancel.DisposeAsync().ConfigureAwait(false);
        Kill();
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        process.Dispose();
    }
}
