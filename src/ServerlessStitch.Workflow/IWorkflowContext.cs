namespace ServerlessStitch.Workflow;

/// <summary>
/// What an orchestration may do, and nothing more. Orchestration code is replayed: it must be deterministic (no
/// clock, random numbers, I/O or environment reads; everything arrives as activity results) and it takes no
/// cancellation token (the host stops it). Each member maps one to one onto Durable Functions'
/// <c>TaskOrchestrationContext</c> (Microsoft.DurableTask), so the Azure Functions app is a thin adapter:
/// <list type="table">
/// <item><term><see cref="InstanceId"/></term><description><c>context.InstanceId</c></description></item>
/// <item><term><see cref="CallActivityAsync{TResult}"/></term><description>
/// <c>context.CallActivityAsync&lt;T&gt;(name, input, TaskOptions.FromRetryPolicy(new RetryPolicy(retry.MaxAttempts,
/// retry.FirstInterval, retry.BackoffCoefficient, retry.MaxInterval)))</c>; no retry → <c>CallActivityAsync&lt;T&gt;(name, input)</c>.
/// A failure after the last attempt throws <see cref="ActivityFailedException"/> (Durable: <c>TaskFailedException</c>).</description></item>
/// <item><term><see cref="CallSubOrchestrationAsync{TResult}"/></term><description>
/// <c>context.CallSubOrchestratorAsync&lt;T&gt;(name, input, new SubOrchestrationOptions { InstanceId = instanceId })</c>;
/// its failure (Durable: <c>TaskFailedException</c>) is rethrown as <see cref="SubOrchestrationFailedException"/>.</description></item>
/// <item><term>fan-out / fan-in</term><description><c>Task.WhenAll</c> over the tasks of several calls, on both.</description></item>
/// <item><term><see cref="WaitForExternalEventAsync{T}"/></term><description>
/// <c>context.WaitForExternalEvent&lt;T&gt;(name, timeout)</c>; on timeout Durable throws <c>TaskCanceledException</c>,
/// which the adapter rethrows as <see cref="TimeoutException"/> (what this contract promises).</description></item>
/// <item><term><see cref="SetCustomStatus"/></term><description><c>context.SetCustomStatus(status)</c>; at most
/// <see cref="WorkflowLimits.MaxPayloadBytes"/> of JSON.</description></item>
/// </list>
/// </summary>
public interface IWorkflowContext
{
    /// <summary>The instance this execution belongs to (stable across replays and restarts).</summary>
    string InstanceId { get; }

    /// <summary>
    /// Schedules the activity <paramref name="name"/> with <paramref name="input"/> (a small JSON record) and returns
    /// its result; a replay returns the recorded result without running it again.
    /// </summary>
    /// <exception cref="ActivityFailedException">Every attempt failed; the message holds the last failure.</exception>
    Task<TResult> CallActivityAsync<TResult>(string name, object? input, ActivityRetry? retry = null);

    /// <summary>
    /// Runs orchestration <paramref name="name"/> as the child instance <paramref name="instanceId"/> (its own history,
    /// which is what keeps a large fan-out's parent history short) and returns its output; a replay returns the recorded
    /// output. The id must be deterministic (derived from this instance's id), so a replay finds the same child.
    /// </summary>
    /// <exception cref="SubOrchestrationFailedException">The child failed or was terminated; the message says why.</exception>
    Task<TResult> CallSubOrchestrationAsync<TResult>(string name, object? input, string instanceId);

    /// <summary>
    /// Waits for the next event called <paramref name="name"/> raised on this instance. The deadline is fixed the
    /// first time the wait runs (the host's clock) and survives restarts.
    /// </summary>
    /// <exception cref="TimeoutException">No event arrived within <paramref name="timeout"/>.</exception>
    Task<T> WaitForExternalEventAsync<T>(string name, TimeSpan timeout);

    /// <summary>Publishes a small JSON-serialisable status (stage, progress) on the instance's status.</summary>
    void SetCustomStatus(object? status);
}
