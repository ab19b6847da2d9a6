namespace ServerlessStitch.Workflow.Local;

/// <summary>Settings of the <see cref="LocalWorkflowHost"/>.</summary>
public sealed class LocalWorkflowHostOptions
{
    /// <summary>The container holding instances, history, timers, events and attempts.</summary>
    public string Container { get; set; } = "stitch-workflow";

    /// <summary>Activities running at once across all instances of this host; default the core count.</summary>
    public int MaxParallelActivities { get; set; } = Environment.ProcessorCount;

    /// <summary>How often waits look for events raised by another process, and status polls repeat.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The host's clock (event deadlines); orchestrations never read it.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Called for each call an orchestration issues, in order (tests compare replays with it).</summary>
    public Action<WorkflowCall>? CallObserver { get; set; }
}
