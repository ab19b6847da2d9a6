using System.Text.Json;

namespace ServerlessStitch.Workflow.Local;

/// <summary>Durable Functions' <c>OrchestrationRuntimeStatus</c> values that this host uses.</summary>
public enum WorkflowRuntimeStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Terminated,
}

/// <summary>
/// An instance's status, shaped like Durable Functions' status payload (name, instanceId, runtimeStatus, input,
/// customStatus, output, createdTime, lastUpdatedTime) plus the failure reason of a Failed or Terminated instance.
/// It is also the stored record (<c>instances/{instanceId}.json</c>).
/// </summary>
public sealed record WorkflowStatus
{
    public required string Name { get; init; }
    public required string InstanceId { get; init; }
    public required WorkflowRuntimeStatus RuntimeStatus { get; init; }
    public JsonElement? Input { get; init; }
    public JsonElement? CustomStatus { get; init; }
    public JsonElement? Output { get; init; }
    public required DateTimeOffset CreatedTime { get; init; }
    public required DateTimeOffset LastUpdatedTime { get; init; }
    public string? FailureReason { get; init; }

    /// <summary>The instance that started this one as a sub-orchestration; null for a top-level instance.</summary>
    public string? ParentInstanceId { get; init; }

    public bool IsTerminal => RuntimeStatus is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated;

    public T? ReadOutput<T>() => Output is { } output ? output.Deserialize<T>(WorkflowLimits.Json) : default;

    public T? ReadCustomStatus<T>() => CustomStatus is { } status ? status.Deserialize<T>(WorkflowLimits.Json) : default;
}
