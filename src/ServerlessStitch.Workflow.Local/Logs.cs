using Microsoft.Extensions.Logging;

namespace ServerlessStitch.Workflow.Local;

/// <summary>The local host's log messages, with fixed event ids.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "PTI of job {JobId} {Outcome}; raised on instance {InstanceId}")]
    public static partial void CompletionRaised(ILogger logger, string jobId, string instanceId, string outcome);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Completion message {MessageId} moved to the poison queue: {Reason}")]
    public static partial void CompletionPoisoned(ILogger logger, string messageId, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Reading the PTI completion queue failed (retrying): {Error}")]
    public static partial void CompletionStoreError(ILogger logger, string error);
}
