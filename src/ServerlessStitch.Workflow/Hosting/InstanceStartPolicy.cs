namespace ServerlessStitch.Workflow.Hosting;

/// <summary>
/// Whether a trigger schedules the edit orchestration under an instance id that may already exist. The id is the
/// job id (content hash of the video + request + model set), so Event Grid delivering one blob event twice, or a
/// user posting the same request again, finds the same instance: running, pending or done means nothing to do;
/// failed, terminated or cancelled means run it again (its stages skip the blobs already written).
/// </summary>
public static class InstanceStartPolicy
{
    /// <param name="runtimeStatus">The existing instance's <c>OrchestrationRuntimeStatus</c> name, or null when there is none.</param>
    public static bool ShouldStart(string? runtimeStatus) => runtimeStatus switch
    {
        null => true,
        "Failed" or "Terminated" or "Canceled" => true,
        // Running, Pending, Suspended, ContinuedAsNew, Completed, and any status a later SDK adds: leave it alone.
        _ => false,
    };
}
