using Microsoft.Extensions.Logging;

namespace ServerlessStitch.Serve;

/// <summary>The server's log messages, with fixed event ids.</summary>
internal static partial class Logs
{
    [LoggerMessage(1, LogLevel.Information, "stitch serve listening on {Address} (store: {Store})")]
    public static partial void Listening(ILogger logger, Uri address, string store);

    [LoggerMessage(2, LogLevel.Information, "{Method} {Path} refused: {Error}: {Message}")]
    public static partial void RequestRefused(ILogger logger, string method, string path, string error, string message);

    [LoggerMessage(3, LogLevel.Error, "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(4, LogLevel.Information, "Blob drop {Container}/{Blob}: job {InstanceId} (new: {Created})")]
    public static partial void DropStarted(ILogger logger, string container, string blob, string instanceId, bool created);

    [LoggerMessage(5, LogLevel.Information, "Blob drop {Container}/{Blob}: result written to {OutputContainer}/{Blob}")]
    public static partial void DropCompleted(ILogger logger, string container, string blob, string outputContainer);

    [LoggerMessage(6, LogLevel.Warning, "Blob drop {Container}/{Blob}: attempt {Attempt} of {MaxAttempts} failed: {Reason}")]
    public static partial void DropAttemptFailed(ILogger logger, string container, string blob, int attempt, int maxAttempts, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Blob drop {Container}/{Blob}: moved to {FailedContainer} ({Reason})")]
    public static partial void DropMovedToFailed(ILogger logger, string container, string blob, string failedContainer, string reason);

    [LoggerMessage(8, LogLevel.Error, "The blob-drop poll failed; retrying at the next interval")]
    public static partial void PollFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "Resumed {Count} unfinished workflow instance(s)")]
    public static partial void Resumed(ILogger logger, int count);
}
