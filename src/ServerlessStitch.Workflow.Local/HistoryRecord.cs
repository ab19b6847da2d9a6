namespace ServerlessStitch.Workflow.Local;

/// <summary>
/// One completed step of an instance, stored create-only as <c>history/{instanceId}/{key}.json</c>: an activity's
/// result (or its final failure), a sub-orchestration's output (or why it failed), or the outcome of an external-event
/// wait (the payload, or a timeout). A replay finds the step by key and returns the same outcome without doing the
/// work again.
/// </summary>
internal sealed record HistoryRecord(string Key, string Name, bool Succeeded, string? ResultJson, string? ErrorType, string? ErrorMessage, int Attempts, DateTimeOffset CompletedTime);

/// <summary><c>timers/{instanceId}/{key}.json</c>: when an external-event wait gives up, fixed the first time it runs.</summary>
internal sealed record TimerRecord(DateTimeOffset Deadline);

/// <summary><c>attempts/{instanceId}/{key}/NN-….json</c>: written as each activity attempt starts; tests count them.</summary>
public sealed record ActivityAttempt(string Key, string Name, int Attempt, int ProcessId, DateTimeOffset StartedTime);

/// <summary>A call the orchestration issued, in order: <see cref="Replayed"/> when its result came from the history.</summary>
public sealed record WorkflowCall(string InstanceId, string Kind, string Name, string Key, bool Replayed);
