namespace ServerlessStitch.Media;

/// <summary>Runs a tool to completion and returns what it printed on stdout (ffprobe JSON, ffmpeg progress).</summary>
internal static class ToolRun
{
    public static async Task<string> ReadStdoutAsync(string executable, IEnumerable<string> arguments, string input, string purpose, CancellationToken cancellationToken)
    {
        await using var process = ToolProcess.Start(executable, arguments, input, purpose, pipeStdin: false, pipeStdout: true, cancellationToken);
        using var reader = new StreamReader(process.StandardOutput);
        string output;
        try
        {
            output = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        await process.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
        return output;
    }
}
