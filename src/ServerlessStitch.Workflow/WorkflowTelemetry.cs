using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ServerlessStitch.Workflow;

/// <summary>
/// The workflow's spans and metrics, plain System.Diagnostics so any listener (OpenTelemetry's, a test's) can
/// subscribe by <see cref="Name"/>. Spans: one per orchestration execution and one per activity attempt, tagged
/// with <see cref="JobIdTag"/>, <see cref="StageTag"/>, <see cref="ChunkTag"/>.
/// </summary>
public static class WorkflowTelemetry
{
    public const string Name = "ServerlessStitch.Workflow";
    public const string JobIdTag = "stitch.job_id";
    public const string StageTag = "stitch.stage";
    public const string ChunkTag = "stitch.chunk";
    public const string ActivityTag = "stitch.activity";
    public const string AttemptTag = "stitch.attempt";

    public static ActivitySource Source { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);

    /// <summary>Frames an activity handled (decoded, aligned, stitched...), tagged with the stage.</summary>
    public static Counter<long> FramesProcessed { get; } = Meter.CreateCounter<long>("stitch.frames.processed", "{frame}");

    /// <summary>Seconds per activity attempt, tagged with the stage and the activity.</summary>
    public static Histogram<double> StageDuration { get; } = Meter.CreateHistogram<double>("stitch.stage.duration", "s");

    /// <summary>Attempts after the first, tagged with the activity.</summary>
    public static Counter<long> Retries { get; } = Meter.CreateCounter<long>("stitch.activity.retries", "{retry}");
}
