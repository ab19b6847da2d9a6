using System.Text.Json;

namespace ServerlessStitch.Workflow.Local;

/// <summary>
/// <see cref="IWorkflowContext"/> for one execution of one instance on the <see cref="LocalWorkflowHost"/>. Every
/// call gets a deterministic <see cref="HistoryKey"/>; a key found in the history returns its recorded outcome at
/// once (replay), any other is executed and recorded. With <c>replayOnly</c> a missing key is an error, which is
/// how <see cref="LocalWorkflowHost.ReplayAsync"/> proves an orchestration deterministic.
/// </summary>
internal sealed class LocalWorkflowContext(
    LocalWorkflowHost host, WorkflowStatus instance, Dictionary<string, HistoryRecord> history, bool replayOnly, CancellationToken stopping) : IWorkflowContext
{
    private readonly HistoryKey _keys = new();
    private readonly Lock _statusGate = new();
    private readonly List<WorkflowCall> _calls = [];
    private string? _pendingStatus;
    private bool _hasPendingStatus;
    private Task _statusFlush = Task.CompletedTask;

    public string InstanceId => instance.InstanceId;

    public IReadOnlyList<WorkflowCall> Calls
    {
        get
        {
            lock (_statusGate)
            {
                return [.. _calls];
            }
        }
    }

    public async Task<TResult> CallActivityAsync<TResult>(string name, object? input, ActivityRetry? retry = null)
    {
        string inputJson = WorkflowLimits.Serialize(input, $"The input of activity '{name}'");
        string key = _keys.ForActivity(name, inputJson);
        var record = await RecordedOrRunAsync("activity", name, key, $"called activity '{name}'",
            () => host.RunActivityAsync(instance, key, name, inputJson, retry ?? ActivityRetry.None, stopping)).ConfigureAwait(false);
        return record.Succeeded
            ? WorkflowLimits.Deserialize<TResult>(record.ResultJson!)
            : throw new ActivityFailedException(name, record.Attempts, record.ErrorType!, record.ErrorMessage!);
    }

    public async Task<TResult> CallSubOrchestrationAsync<TResult>(string name, object? input, string instanceId)
    {
        InstanceStore.CheckName(instanceId, "sub-orchestration instance id");
        string inputJson = WorkflowLimits.Serialize(input, $"The input of sub-orchestration '{name}'");
        string key = _keys.ForSubOrchestration(name, instanceId);
        var record = await RecordedOrRunAsync("orchestration", name, key, $"called sub-orchestration '{name}' as '{instanceId}'",
            () => host.RunSubOrchestrationAsync(instance, key, name, instanceId, inputJson, stopping)).ConfigureAwait(false);
        return record.Succeeded
            ? WorkflowLimits.Deserialize<TResult>(record.ResultJson!)
            : throw new SubOrchestrationFailedException(name, instanceId, record.ErrorMessage!);
    }

    public async Task<T> WaitForExternalEventAsync<T>(string name, TimeSpan timeout)
    {
        InstanceStore.CheckName(name, "event name");
        string key = _keys.ForEvent(name);
        var record = await RecordedOrRunAsync("event", name, key, $"waited for event '{name}'",
            () => host.WaitForEventAsync(instance, key, name, OccurrenceOf(key), timeout, stopping)).ConfigureAwait(false);
        return record.Succeeded
            ? WorkflowLimits.Deserialize<T>(record.ResultJson!)
            : throw new TimeoutException($"No '{name}' event reached instance '{InstanceId}' within {timeout}.");
    }

    /// <summary>
    /// The step's record from the history when it has one (a replay); otherwise runs it and remembers the record.
    /// A replay-only execution must find every step recorded.
    /// </summary>
    private async Task<HistoryRecord> RecordedOrRunAsync(string kind, string name, string key, string what, Func<Task<HistoryRecord>> run)
    {
        HistoryRecord? record;
        bool recorded;
        lock (history)
        {
            recorded = history.TryGetValue(key, out record);
        }
        Issued(kind, name, key, recorded);
        if (recorded)
        {
            return record!;
        }
        if (replayOnly)
        {
            throw new NonDeterministicWorkflowException($"Replay of '{InstanceId}' {what} ({key}), which its history does not hold.");
        }
        record = await run().ConfigureAwait(false);
        lock (history)
        {
            history[key] = record;
        }
        return record;
    }

    public void SetCustomStatus(object? status)
    {
        string json = WorkflowLimits.Serialize(status, "The custom status");
        if (replayOnly)
        {
            return;
        }
        lock (_statusGate)
        {
            _pendingStatus = json;
            if (!_hasPendingStatus)
            {
                _hasPendingStatus = true;
                // One writer at a time, always the newest value: a burst of updates costs a write or two.
                _statusFlush = _statusFlush.ContinueWith(_ => WriteStatusAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            }
        }
    }

    /// <summary>Waits until the latest custom status is stored.</summary>
    public Task FlushStatusAsync()
    {
        lock (_statusGate)
        {
            return _statusFlush;
        }
    }

    private async Task WriteStatusAsync()
    {
        string? json;
        lock (_statusGate)
        {
            json = _pendingStatus;
            _hasPendingStatus = false;
        }
        var element = json is null ? (JsonElement?)null : JsonDocument.Parse(json).RootElement.Clone();
        try
        {
            await host.Instances.UpdateAsync(InstanceId, s => s.IsTerminal ? null : s with { CustomStatus = element, LastUpdatedTime = host.Now }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Storage.BlobStoreException)
        {
            // The status is advisory; the next update (or the completion) carries the newest one.
        }
    }

    private void Issued(string kind, string name, string key, bool replayed)
    {
        var call = new WorkflowCall(InstanceId, kind, name, key, replayed);
        lock (_statusGate)
        {
            _calls.Add(call);
        }
        host.Options.CallObserver?.Invoke(call);
    }

    private static int OccurrenceOf(string key) => int.Parse(key.AsSpan(key.LastIndexOf('-') + 1), System.Globalization.CultureInfo.InvariantCulture);
}
