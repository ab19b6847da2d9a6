namespace ServerlessStitch.Workflow.Edit;

/// <summary>How PTI runs: as an in-process activity, or enqueued for a GPU worker that reports back with an event.</summary>
public enum PtiDispatch
{
    /// <summary>The <c>TuneGenerator</c> activity, on the host that runs the other activities.</summary>
    Activity,

    /// <summary>
    /// The <c>EnqueuePti</c> activity writes a work item; the orchestration then waits for the
    /// <see cref="EditOrchestration.PtiCompletedEvent"/> event (a <see cref="PtiOutput"/>) up to the timeout (DESIGN.md §8).
    /// </summary>
    Queue,
}

/// <summary>The edit orchestration's input: a submitted job (its <c>job.json</c> holds the request) and how to run it.</summary>
public sealed record EditOrchestrationInput(string JobId)
{
    public PtiDispatch Pti { get; init; } = PtiDispatch.Activity;

    /// <summary>With <see cref="PtiDispatch.Queue"/>: how long to wait for the GPU worker's event.</summary>
    public TimeSpan PtiTimeout { get; init; } = TimeSpan.FromHours(2);

    /// <summary>
    /// 0 (the default): stitching tuning runs as <c>StitchChunk</c> activities. N &gt; 0: it goes to the GPU worker in
    /// batches of N chunks over the same queue (<see cref="StitchWorkItem"/>), each reported back as its own event.
    /// </summary>
    public int StitchBatchChunks { get; init; }

    /// <summary>With <see cref="StitchBatchChunks"/> &gt; 0: how long to wait for every batch's report.</summary>
    public TimeSpan StitchTimeout { get; init; } = TimeSpan.FromHours(2);

    /// <summary>
    /// A stage with more chunks than this runs them in <see cref="ChunkFanOutOrchestration"/> children of at most this
    /// many chunks each. 100 chunks of 16 frames is about a minute of 25 fps video: a one-minute clip keeps every
    /// call in the edit orchestration's own history (about 5 per chunk), a longer one a few calls per stage.
    /// </summary>
    public int MaxChunksPerOrchestration { get; init; } = 100;

    /// <summary>The retry policy of every activity; null = <see cref="EditOrchestration.DefaultRetry"/>.</summary>
    public RetryPolicyInput? Retry { get; init; }
}

/// <summary>A job's end for the drops waiting on it: its video is ready (<paramref name="Error"/> null), or it failed saying why.</summary>
public sealed record DropOutcomeInput(string JobId, string? Error = null, string? Message = null);

/// <summary>The dropped blobs <see cref="EditActivities.DeliverDrops"/> delivered or moved.</summary>
public sealed record DropsDelivered(string[] Blobs, double Seconds);

/// <summary><see cref="ActivityRetry"/> as plain data (the orchestration input is JSON).</summary>
public sealed record RetryPolicyInput(int MaxAttempts, TimeSpan FirstInterval, double BackoffCoefficient)
{
    public ActivityRetry ToRetry() => new(MaxAttempts, FirstInterval, BackoffCoefficient);
}

/// <summary>The orchestration's output: where the results are (blob names in the jobs container).</summary>
public sealed record EditOutput(string JobId, string Output, string Compare, string Preview, string Report);

/// <summary>The custom status: the stage running and its progress in units (chunks; 1 for fan-in stages).</summary>
public sealed record EditStatus(string Stage, int Done, int Total);

/// <summary>Input of the activities that work on the whole job (probe, face track, PTI, finish).</summary>
public sealed record JobInput(string JobId);

/// <summary>Input of the fanned-out activities: one chunk of frames [Start, Start + Count).</summary>
public sealed record ChunkInput(string JobId, int Start, int Count);

/// <summary>What the orchestration needs to plan the fan-outs, read from the probe and <c>job.json</c>.</summary>
public sealed record VideoPlan(int FrameCount, int ChunkSize, double Seconds);

/// <summary>The blob an activity wrote (or found already written) and the seconds it took.</summary>
public sealed record BlobOutput(string Blob, double Seconds);

/// <summary>PTI's result: the tuned generator and summary blobs, the inversion PSNR before → after, seconds.</summary>
public sealed record PtiOutput(string Generator, string Summary, double PsnrEncoder, double PsnrTuned, double Seconds);

/// <summary>Work for a GPU worker: which job, and which instance to raise the completion event on.</summary>
public abstract record WorkerItem(string InstanceId, string JobId);

/// <summary>A PTI work item for a GPU worker (its JSON carries no <c>kind</c>).</summary>
public sealed record PtiWorkItem(string InstanceId, string JobId) : WorkerItem(InstanceId, JobId);

/// <summary>A batch of chunks to edit, stitch and paste on a GPU worker (JSON <c>"kind": "stitch"</c>).</summary>
public sealed record StitchWorkItem(string InstanceId, string JobId, int Batch, IReadOnlyList<ChunkInput> Chunks) : WorkerItem(InstanceId, JobId)
{
#pragma warning disable CA1822 // An instance property, so that the JSON carries it.
    public string Kind => PtiMessages.StitchKind;
#pragma warning restore CA1822
}

/// <summary>The final fan-in's input: the job and the seconds per stage so far (summed over its activities).</summary>
public sealed record FinishInput(string JobId, IReadOnlyDictionary<string, double> StageSeconds);

/// <summary>The activity names of the edit workflow (the names the Azure Functions app registers too).</summary>
public static class EditActivities
{
    public const string ProbeVideo = "ProbeVideo";
    public const string DecodeChunk = "DecodeChunk";
    public const string DetectLandmarks = "DetectLandmarks";
    public const string BuildFaceTrack = "BuildFaceTrack";
    public const string AlignChunk = "AlignChunk";
    public const string InvertChunk = "InvertChunk";
    public const string TuneGenerator = "TuneGenerator";
    public const string EnqueuePti = "EnqueuePti";
    public const string EnqueueStitch = "EnqueueStitch";
    public const string StitchChunk = "StitchChunk";
    public const string FinishJob = "FinishJob";
    public const string DeliverDrops = "DeliverDrops";
}
