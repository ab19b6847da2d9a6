namespace ServerlessStitch.Workflow;

/// <summary>An orchestration as a host sees it: a name and a function of the context and the JSON input.</summary>
public interface IWorkflowOrchestration
{
    string Name { get; }

    /// <summary>Runs (or replays) the orchestration; returns its output as JSON.</summary>
    Task<string> RunAsync(IWorkflowContext context, string inputJson);
}

/// <summary>A typed orchestration: input and output records are (de)serialised once, here.</summary>
public abstract class WorkflowOrchestration<TInput, TOutput> : IWorkflowOrchestration
{
    public abstract string Name { get; }

    public async Task<string> RunAsync(IWorkflowContext context, string inputJson)
    {
        Check.NotNull(context);
        // No ConfigureAwait(false) in orchestration code: continuations stay where the host resumes them.
#pragma warning disable CA2007
        TOutput output = await RunAsync(context, WorkflowLimits.Deserialize<TInput>(inputJson));
#pragma warning restore CA2007
        return WorkflowLimits.Serialize(output, $"The output of orchestration '{Name}'");
    }

    protected abstract Task<TOutput> RunAsync(IWorkflowContext context, TInput input);
}

/// <summary>
/// An activity as a host sees it: a name, the stage it belongs to (a telemetry tag) and a function of JSON input.
/// Activities do the real work; they may read clocks and blobs, and they must be safe to run again (each stage
/// skips work whose output blob exists), because a crash between finishing and recording repeats them.
/// </summary>
public interface IWorkflowActivity
{
    string Name { get; }

    string Stage { get; }

    /// <summary>Runs the activity; returns its output as JSON. Cancelling stops it (the host is stopping or the instance was terminated).</summary>
    Task<string> RunAsync(string inputJson, CancellationToken cancellationToken = default);
}

/// <summary>A typed activity over small records.</summary>
public abstract class WorkflowActivity<TInput, TOutput> : IWorkflowActivity
{
    public abstract string Name { get; }

    public abstract string Stage { get; }

    public async Task<string> RunAsync(string inputJson, CancellationToken cancellationToken = default)
    {
        TOutput output = await RunAsync(WorkflowLimits.Deserialize<TInput>(inputJson), cancellationToken).ConfigureAwait(false);
        return WorkflowLimits.Serialize(output, $"The output of activity '{Name}'");
    }

    protected abstract Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken);
}

/// <summary>The orchestrations and activities a host can run, by name.</summary>
public sealed class WorkflowRegistry
{
    private readonly Dictionary<string, IWorkflowOrchestration> _orchestrations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IWorkflowActivity> _activities = new(StringComparer.Ordinal);

    public WorkflowRegistry AddOrchestration(IWorkflowOrchestration orchestration)
    {
        Check.NotNull(orchestration);
        _orchestrations.Add(orchestration.Name, orchestration);
        return this;
    }

    public WorkflowRegistry AddActivity(IWorkflowActivity activity)
    {
        Check.NotNull(activity);
        _activities.Add(activity.Name, activity);
        return this;
    }

    public IWorkflowOrchestration Orchestration(string name) =>
        _orchestrations.TryGetValue(name, out var o) ? o : throw new KeyNotFoundException($"No orchestration named '{name}' is registered.");

    public IWorkflowActivity Activity(string name) =>
        _activities.TryGetValue(name, out var a) ? a : throw new KeyNotFoundException($"No activity named '{name}' is registered.");
}
