namespace ServerlessStitch.Workflow;

/// <summary>An activity failed on every attempt. <see cref="Exception.Message"/> names it and gives the last error.</summary>
public class ActivityFailedException : Exception
{
    public ActivityFailedException() { }

    public ActivityFailedException(string message) : base(message) { }

    public ActivityFailedException(string message, Exception? innerException) : base(message, innerException) { }

    public ActivityFailedException(string activityName, int attempts, string errorType, string errorMessage)
        : base($"Activity '{activityName}' failed after {attempts} attempt(s): {errorType}: {errorMessage}")
    {
        ActivityName = activityName;
        ErrorType = errorType;
    }

    public string ActivityName { get; } = "";

    /// <summary>The full name of the last attempt's exception type (e.g. ServerlessStitch.Pipeline.Alignment.NoFaceFoundException).</summary>
    public string ErrorType { get; } = "";
}

/// <summary>A sub-orchestration failed or was terminated. <see cref="Exception.Message"/> names it and gives its reason.</summary>
public class SubOrchestrationFailedException : Exception
{
    public SubOrchestrationFailedException() { }

    public SubOrchestrationFailedException(string message) : base(message) { }

    public SubOrchestrationFailedException(string message, Exception? innerException) : base(message, innerException) { }

    public SubOrchestrationFailedException(string orchestrationName, string instanceId, string reason)
        : base($"Sub-orchestration '{orchestrationName}' ('{instanceId}') failed: {reason}")
    {
        OrchestrationName = orchestrationName;
        InstanceId = instanceId;
    }

    public string OrchestrationName { get; } = "";

    public string InstanceId { get; } = "";
}

/// <summary>A payload (activity input or output, custom status, event) is larger than the host allows.</summary>
public class WorkflowPayloadTooLargeException : Exception
{
    public WorkflowPayloadTooLargeException() { }

    public WorkflowPayloadTooLargeException(string message) : base(message) { }

    public WorkflowPayloadTooLargeException(string message, Exception? innerException) : base(message, innerException) { }
}
