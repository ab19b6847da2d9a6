using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Workflow.Local;

/// <summary>
/// The local durable host: runs orchestrations of a <see cref="WorkflowRegistry"/> in this process, with their
/// state in an <see cref="IBlobStore"/>. Every finished activity is recorded before the orchestration sees its
/// result, so after a crash <see cref="ResumeUnfinishedAsync"/> re-runs each unfinished orchestration from the
/// start: recorded calls return at once and only the missing ones execute. Activities run on the thread pool,
/// at most <see cref="LocalWorkflowHostOptions.MaxParallelActivities"/> at a time across all instances.
/// The client API mirrors Durable Task's <c>DurableTaskClient</c>.
/// </summary>
public sealed class LocalWorkflowHost : IAsyncDisposable
{
    private readonly WorkflowRegistry _registry;
    private readonly SemaphoreSlim _activitySlots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Execution> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _eventSignals = new(StringComparer.Ordinal);
    private int _disposed;

    public LocalWorkflowHost(IBlobStore store, WorkflowRegistry registry, LocalWorkflowHostOptions? options = null)
    {
        Check.NotNull(store);
        _registry = Check.NotNull(registry);
        Options = options ?? new LocalWorkflowHostOptions();
        Check.Positive(Options.MaxParallelActivities);
        Instances = new InstanceStore(store, Options.Container);
        _activitySlots = new SemaphoreSlim(Options.MaxParallelActivities, Options.MaxParallelActivities);
    }

    public LocalWorkflowHostOptions Options { get; }

    internal InstanceStore Instances { get; }

    internal DateTimeOffset Now => Options.Clock.GetUtcNow();

    /// <summary>
    /// Creates instance <paramref name="instanceId"/> of orchestration <paramref name="name"/> and runs it. If the
    /// instance exists this is a no-op (a duplicate trigger), except that an unfinished one not running in this
    /// process is resumed. Returns true when it created the instance. Cancelling stops the store requests.
    /// </summary>
    public async Task<bool> StartAsync(string name, string instanceId, object? input, CancellationToken cancellationToken = default)
    {
        InstanceStore.CheckName(instanceId, "instance id");
        string inputJson = WorkflowLimits.Serialize(input, $"The input of orchestration '{name}'");
        await Instances.InitializeAsync(cancellationToken).ConfigureAwait(false);
        bool created = await CreateInstanceAsync(name, instanceId, inputJson, null, cancellationToken).ConfigureAwait(false);
        await ResumeAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return created;
    }

    private Task<bool> CreateInstanceAsync(string name, string instanceId, string inputJson, string? parentInstanceId, CancellationToken cancellationToken)
    {
        _registry.Orchestration(name);
        var now = Now;
        return Instances.CreateAsync(new WorkflowStatus
        {
            Name = name,
            InstanceId = instanceId,
            RuntimeStatus = WorkflowRuntimeStatus.Pending,
            Input = JsonDocument.Parse(inputJson).RootElement.Clone(),
            CreatedTime = now,
            LastUpdatedTime = now,
            ParentInstanceId = parentInstanceId,
        }, cancellationToken);
    }

    /// <summary>Starts every Pending or Running instance in the store that is not running here (call once when the host starts).</summary>
    public async Task<IReadOnlyList<string>> ResumeUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        await Instances.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var resumed = new List<string>();
        await foreach (string id in Instances.ListInstanceIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await ResumeAsync(id, cancellationToken).ConfigureAwait(false))
            {
                resumed.Add(id);
            }
        }
        return resumed;
    }

    /// <summary>The instance's status, or null if there is none. Cancelling stops the read.</summary>
    public Task<WorkflowStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Instances.GetAsync(InstanceStore.CheckName(instanceId, "instance id"), cancellationToken);

    /// <summary>Polls until the instance is Completed, Failed or Terminated. Cancelling stops waiting (not the instance).</summary>
    public async Task<WorkflowStatus> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var status = await GetStatusAsync(instanceId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"There is no workflow instance '{instanceId}'.");
            if (status.IsTerminal)
            {
                return status;
            }
            await Task.Delay(Options.PollInterval, Options.Clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Raises event <paramref name="eventName"/> (payload: small JSON) on the instance; a wait for it receives it even if it starts later.</summary>
    public async Task RaiseEventAsync(string instanceId, string eventName, object? payload, CancellationToken cancellationToken = default)
    {
        InstanceStore.CheckName(eventName, "event name");
        _ = await GetStatusAsync(instanceId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"There is no workflow instance '{instanceId}' to raise '{eventName}' on.");
        await Instances.WriteEventAsync(instanceId, eventName, WorkflowLimits.Serialize(payload, $"The payload of event '{eventName}'"), Now, cancellationToken).ConfigureAwait(false);
        Signal(instanceId);
    }

    /// <summary>
    /// Marks the instance Terminated with <paramref name="reason"/> and stops its execution here (running activities
    /// are cancelled, nothing more is scheduled), and its unfinished sub-orchestrations with it (Durable's recursive
    /// terminate). False when it had already finished.
    /// </summary>
    public async Task<bool> TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default)
    {
        bool changed = false;
        await Instances.UpdateAsync(InstanceStore.CheckName(instanceId, "instance id"), s =>
        {
            changed = !s.IsTerminal;
            return changed ? s with { RuntimeStatus = WorkflowRuntimeStatus.Terminated, FailureReason = reason, LastUpdatedTime = Now } : null;
        }, cancellationToken).ConfigureAwait(false);
        if (_executions.TryGetValue(instanceId, out var execution))
        {
            await execution.Terminate.CancelAsync().ConfigureAwait(false);
            await execution.Completion.ConfigureAwait(false);
        }
        if (changed)
        {
            foreach (string child in await ChildrenOfAsync(instanceId, cancellationToken).ConfigureAwait(false))
            {
                await TerminateAsync(child, $"Its parent '{instanceId}' was terminated: {reason}", cancellationToken).ConfigureAwait(false);
            }
        }
        return changed;
    }

    private async Task<List<string>> ChildrenOfAsync(string instanceId, CancellationToken cancellationToken)
    {
        var children = new List<string>();
        await foreach (string id in Instances.ListInstanceIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            if ((await Instances.GetAsync(id, cancellationToken).ConfigureAwait(false))?.ParentInstanceId == instanceId)
            {
                children.Add(id);
            }
        }
        return children;
    }

    /// <summary>Deletes a finished instance and all its history; false if there was none. Refuses a running one.</summary>
    public async Task<bool> PurgeAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return false;
        }
        if (!status.IsTerminal)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {status.RuntimeStatus}; terminate it before purging.");
        }
        return await Instances.DeleteAsync(instanceId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every activity attempt recorded for the instance (one per attempt, in key order).</summary>
    public async Task<IReadOnlyList<ActivityAttempt>> GetAttemptsAsync(string instanceId, CancellationToken cancellationToken = default) =>
        await Instances.ReadAttemptsAsync(InstanceStore.CheckName(instanceId, "instance id"), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs the orchestration function of a finished instance again against its recorded history, executing
    /// nothing; returns the calls it issued in order and its output. A call the history does not hold throws
    /// <see cref="NonDeterministicWorkflowException"/>.
    /// </summary>
    public async Task<(IReadOnlyList<WorkflowCall> Calls, string Output)> ReplayAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(instanceId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"There is no workflow instance '{instanceId}'.");
        var history = await Instances.ReadHistoryAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var context = new LocalWorkflowContext(this, status, history, replayOnly: true, CancellationToken.None);
        string output = await _registry.Orchestration(status.Name).RunAsync(context, InputJson(status)).ConfigureAwait(false);
        return (context.Calls, output);
    }

    /// <summary>Stops running instances without changing their status (they resume on the next start) and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_executions.Values.Select(e => e.Completion)).ConfigureAwait(false);
        _stopping.Dispose();
        _activitySlots.Dispose();
    }

    private sealed record Execution(Task Completion, CancellationTokenSource Terminate);

    /// <summary>Starts executing the instance here unless it is finished or already running here.</summary>
    private async Task<bool> ResumeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var status = await Instances.GetAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (status is null || status.IsTerminal || _stopping.IsCancellationRequested)
        {
            return false;
        }
        var terminate = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var execution = new Execution(start.Task.ContinueWith(_ => ExecuteAsync(instanceId, terminate), TaskScheduler.Default).Unwrap(), terminate);
        if (!_executions.TryAdd(instanceId, execution))
        {
            terminate.Dispose();
            return false;
        }
        start.SetResult();
        return true;
    }

    private async Task ExecuteAsync(string instanceId, CancellationTokenSource terminate)
    {
        try
        {
            var status = await Instances.UpdateAsync(instanceId, s => s.IsTerminal ? null
                : s with { RuntimeStatus = WorkflowRuntimeStatus.Running, LastUpdatedTime = Now }, terminate.Token).ConfigureAwait(false);
            if (status is null || status.IsTerminal)
            {
                return;
            }
            var history = await Instances.ReadHistoryAsync(instanceId, terminate.Token).ConfigureAwait(false);
            var context = new LocalWorkflowContext(this, status, history, replayOnly: false, terminate.Token);
            using var span = WorkflowTelemetry.Source.StartActivity($"orchestration {status.Name}");
            span?.SetTag(WorkflowTelemetry.JobIdTag, JobIdOf(InputJson(status)) ?? instanceId);
            span?.SetTag("stitch.instance_id", instanceId);
            try
            {
                string output = await _registry.Orchestration(status.Name).RunAsync(context, InputJson(status)).ConfigureAwait(false);
                await context.FlushStatusAsync().ConfigureAwait(false);
                var element = JsonDocument.Parse(output).RootElement.Clone();
                await Finish(instanceId, s => s with { RuntimeStatus = WorkflowRuntimeStatus.Completed, Output = element }).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (terminate.IsCancellationRequested)
            {
                // Terminated (the record already says so) or the host is stopping (the instance resumes next start).
                span?.SetStatus(ActivityStatusCode.Error, "stopped");
            }
#pragma warning disable CA1031 // An orchestration's failure, whatever its type, becomes the instance's failure reason.
            catch (Exception e)
#pragma warning restore CA1031
            {
                span?.SetStatus(ActivityStatusCode.Error, e.Message);
                await context.FlushStatusAsync().ConfigureAwait(false);
                string reason = e is ActivityFailedException ? e.Message : $"{e.GetType().FullName}: {e.Message}";
                await Finish(instanceId, s => s with { RuntimeStatus = WorkflowRuntimeStatus.Failed, FailureReason = reason }).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (terminate.IsCancellationRequested)
        {
            // Stopped before it got going.
        }
        catch (BlobStoreException)
        {
            // The store failed under the host itself (not an activity): the instance stays as recorded and the
            // next StartAsync or ResumeUnfinishedAsync picks it up again; completed steps are in the history.
        }
        finally
        {
            _executions.TryRemove(instanceId, out _);
            terminate.Dispose();
        }
    }

    private Task<WorkflowStatus?> Finish(string instanceId, Func<WorkflowStatus, WorkflowStatus> change) =>
        Instances.UpdateAsync(instanceId, s => s.IsTerminal ? null : change(s) with { LastUpdatedTime = Now }, CancellationToken.None);

    /// <summary>Runs one activity call to its final outcome (with retries) and records it in the history.</summary>
    internal async Task<HistoryRecord> RunActivityAsync(WorkflowStatus instance, string key, string name, string inputJson, ActivityRetry retry, CancellationToken stopping)
    {
        var activity = _registry.Activity(name);
        for (int attempt = 1; ; attempt++)
        {
            await ThrowIfTerminatedAsync(instance.InstanceId, stopping).ConfigureAwait(false);
            if (attempt > 1)
            {
                WorkflowTelemetry.Retries.Add(1, new KeyValuePair<string, object?>(WorkflowTelemetry.ActivityTag, name));
            }
            Exception failure;
            try
            {
                string output = await RunAttemptAsync(instance, key, activity, inputJson, attempt, stopping).ConfigureAwait(false);
                return await Instances.AppendHistoryAsync(instance.InstanceId,
                    new HistoryRecord(key, name, true, output, null, null, attempt, Now), CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Any activity failure is retried, then recorded: the orchestration decides what it means.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
            }
            if (attempt >= retry.MaxAttempts)
            {
                return await Instances.AppendHistoryAsync(instance.InstanceId,
                    new HistoryRecord(key, name, false, null, failure.GetType().FullName, failure.Message, attempt, Now), CancellationToken.None).ConfigureAwait(false);
            }
            await Task.Delay(retry.DelayAfter(attempt), Options.Clock, stopping).ConfigureAwait(false);
        }
    }

    private async Task<string> RunAttemptAsync(WorkflowStatus instance, string key, IWorkflowActivity activity, string inputJson, int attempt, CancellationToken stopping)
    {
        await _activitySlots.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            // Recorded once the attempt has a slot, i.e. when it really starts (not while it queues).
            await Instances.RecordAttemptAsync(instance.InstanceId, new ActivityAttempt(key, activity.Name, attempt, Environment.ProcessId, Now), stopping).ConfigureAwait(false);
            using var span = WorkflowTelemetry.Source.StartActivity($"activity {activity.Name}");
            span?.SetTag(WorkflowTelemetry.ActivityTag, activity.Name);
            span?.SetTag(WorkflowTelemetry.StageTag, activity.Stage);
            span?.SetTag(WorkflowTelemetry.JobIdTag, JobIdOf(inputJson) ?? instance.InstanceId);
            span?.SetTag(WorkflowTelemetry.AttemptTag, attempt);
            if (ChunkOf(inputJson) is int chunk)
            {
                span?.SetTag(WorkflowTelemetry.ChunkTag, chunk);
            }
            var clock = Stopwatch.StartNew();
            try
            {
                // The thread pool, not the orchestration's thread: tensor work runs synchronously on one thread inside.
                return await Task.Run(() => activity.RunAsync(inputJson, stopping), stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                span?.SetStatus(ActivityStatusCode.Error, e.Message);
                throw;
            }
            finally
            {
                WorkflowTelemetry.StageDuration.Record(clock.Elapsed.TotalSeconds,
                    new KeyValuePair<string, object?>(WorkflowTelemetry.StageTag, activity.Stage),
                    new KeyValuePair<string, object?>(WorkflowTelemetry.ActivityTag, activity.Name));
            }
        }
        finally
        {
            _activitySlots.Release();
        }
    }

    /// <summary>
    /// Creates the child instance unless it exists (a replay after a crash finds it), runs it here unless it runs
    /// already, waits for it to finish and records its outcome in the parent's history.
    /// </summary>
    internal async Task<HistoryRecord> RunSubOrchestrationAsync(WorkflowStatus parent, string key, string name, string childId, string inputJson, CancellationToken stopping)
    {
        await CreateInstanceAsync(name, childId, inputJson, parent.InstanceId, stopping).ConfigureAwait(false);
        await ResumeAsync(childId, stopping).ConfigureAwait(false);
        WorkflowStatus child;
        while (true)
        {
            if (_executions.TryGetValue(childId, out var execution))
            {
                await execution.Completion.WaitAsync(stopping).ConfigureAwait(false);
            }
            child = await Instances.GetAsync(childId, stopping).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Sub-orchestration '{childId}' of '{parent.InstanceId}' has no record (purged while its parent ran?).");
            if (child.IsTerminal)
            {
                break;
            }
            // Executed by another process (or stopped here with the host): its record says when it is done.
            await ThrowIfTerminatedAsync(parent.InstanceId, stopping).ConfigureAwait(false);
            await Task.Delay(Options.PollInterval, Options.Clock, stopping).ConfigureAwait(false);
        }
        bool completed = child.RuntimeStatus == WorkflowRuntimeStatus.Completed;
        var record = completed
            ? new HistoryRecord(key, name, true, child.Output?.GetRawText() ?? "null", null, null, 1, Now)
            : new HistoryRecord(key, name, false, null, child.RuntimeStatus.ToString(), child.FailureReason ?? child.RuntimeStatus.ToString(), 1, Now);
        return await Instances.AppendHistoryAsync(parent.InstanceId, record, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Waits for the <paramref name="occurrence"/>-th event <paramref name="name"/> or the stored deadline, and records which came first.</summary>
    internal async Task<HistoryRecord> WaitForEventAsync(WorkflowStatus instance, string key, string name, int occurrence, TimeSpan timeout, CancellationToken stopping)
    {
        string id = instance.InstanceId;
        var deadline = await Instances.GetOrCreateTimerAsync(id, key, Now + timeout, stopping).ConfigureAwait(false);
        var signal = _eventSignals.GetOrAdd(id, _ => new SemaphoreSlim(0));
        while (true)
        {
            if (await Instances.ReadEventAsync(id, name, occurrence, stopping).ConfigureAwait(false) is { } payload)
            {
                return await Instances.AppendHistoryAsync(id, new HistoryRecord(key, name, true, payload, null, null, 1, Now), CancellationToken.None).ConfigureAwait(false);
            }
            var left = deadline - Now;
            if (left <= TimeSpan.Zero)
            {
                return await Instances.AppendHistoryAsync(id, new HistoryRecord(key, name, false, null, typeof(TimeoutException).FullName, "timed out", 1, Now), CancellationToken.None).ConfigureAwait(false);
            }
            await ThrowIfTerminatedAsync(id, stopping).ConfigureAwait(false);
            // Woken at once by an event raised in this process; another process's event is found by the next poll.
            await signal.WaitAsync(left < Options.PollInterval ? left : Options.PollInterval, stopping).ConfigureAwait(false);
        }
    }

    private void Signal(string instanceId)
    {
        if (_eventSignals.TryGetValue(instanceId, out var signal))
        {
            signal.Release();
        }
    }

    /// <summary>A terminate from another process is seen here, before the next attempt or poll.</summary>
    private async Task ThrowIfTerminatedAsync(string instanceId, CancellationToken stopping)
    {
        stopping.ThrowIfCancellationRequested();
        if ((await Instances.GetAsync(instanceId, stopping).ConfigureAwait(false))?.RuntimeStatus == WorkflowRuntimeStatus.Terminated)
        {
            if (_executions.TryGetValue(instanceId, out var execution))
            {
                await execution.Terminate.CancelAsync().ConfigureAwait(false);
            }
            throw new WorkflowTerminatedException($"Instance '{instanceId}' was terminated.");
        }
    }

    private static string InputJson(WorkflowStatus status) => status.Input?.GetRawText() ?? "null";

    private static string? JobIdOf(string json) => Property(json, "jobId") is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static int? ChunkOf(string json) => Property(json, "start") is { ValueKind: JsonValueKind.Number } v ? v.GetInt32() : null;

    /// <summary>Telemetry tags from the input's own fields (the edit activities' <c>jobId</c> and chunk <c>start</c>).</summary>
    private static JsonElement? Property(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value) ? value.Clone() : null;
    }
}
