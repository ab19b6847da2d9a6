namespace ServerlessStitch.Workflow.Local;

/// <summary>Thrown into a running orchestration's pending calls when its instance is terminated.</summary>
public class WorkflowTerminatedException : OperationCanceledException
{
    public WorkflowTerminatedException() { }

    public WorkflowTerminatedException(string message) : base(message) { }

    public WorkflowTerminatedException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>A replay issued a call the history does not hold: the orchestration is not deterministic (or the history is incomplete).</summary>
public class NonDeterministicWorkflowException : InvalidOperationException
{
    public NonDeterministicWorkflowException() { }

    public NonDeterministicWorkflowException(string message) : base(message) { }

    public NonDeterministicWorkflowException(string message, Exception? innerException) : base(message, innerException) { }
}
