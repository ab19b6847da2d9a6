using Microsoft.Extensions.Logging;

namespace ServerlessStitch.Workflow.Local;

/// <summary>The local host's log messages, with fixed event ids.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Worker report for job {JobId} raised on instance {InstanceId} as {EventName}")]
    public static partial void CompletionRaised(ILogger logger, string jobId, string instanceId, string eventName);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Completion message {MessageId} moved to the poison queue: {Reason}")]
    public static partial void CompletionPoisoned(ILogger logger, string messageId, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Reading the PTI completion queue failed (retrying): {Error}")]
    public static partial void CompletionStoreError(ILogger logger, string error);
}
