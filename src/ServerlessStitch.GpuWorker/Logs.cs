using Microsoft.Extensions.Logging;

namespace ServerlessStitch.GpuWorker;

/// <summary>The worker's log messages, with fixed event ids (what an operator greps for in the job's logs).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "GPU worker started: PTI on {Device} ({Threads} threads), storage {Storage}, mode {Mode}, lease {LeaseSeconds} s, {MaxAttempts} attempts")]
    public static partial void Started(ILogger logger, string device, int threads, string storage, string mode, double leaseSeconds, int maxAttempts);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Took {What} of job {JobId} (instance {InstanceId}), delivery {Delivery}, {QueuedSeconds:F1} s after it was queued")]
    public static partial void Taken(ILogger logger, string what, string jobId, string instanceId, int delivery, double queuedSeconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "PTI of job {JobId}: step {Step}/{Steps}, loss {Loss:F4} ({Detail})")]
    public static partial void Progress(ILogger logger, string jobId, int step, int steps, double loss, string detail);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "PTI of job {JobId} {Outcome}: {Frames} frames × {Passes} passes (resumed from pass {ResumedFromPass}), {FrameStepsPerSecond:F1} frame-steps/s on {Device}, PSNR {PsnrEncoder:F2} → {PsnrTuned:F2} dB")]
    public static partial void Finished(ILogger logger, string jobId, string outcome, int frames, int passes, int resumedFromPass, double frameStepsPerSecond, string device, double psnrEncoder, double psnrTuned);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{What} of job {JobId} failed on attempt {Attempt} of {MaxAttempts} ({ErrorType}: {Error}); retrying in {BackoffSeconds} s")]
    public static partial void AttemptFailed(ILogger logger, string what, string jobId, int attempt, int maxAttempts, string errorType, string error, double backoffSeconds);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Gave up on {What} of job {JobId} (instance {InstanceId}), moved to the poison queue: {Reason}")]
    public static partial void GaveUp(ILogger logger, string what, string jobId, string instanceId, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Handed {What} of job {JobId} back: {Why}")]
    public static partial void HandedBack(ILogger logger, string what, string jobId, string why);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "GPU worker stopped after {Handled} item(s): {Why}")]
    public static partial void Stopped(ILogger logger, int handled, string why);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Stitched batch {Batch} of job {JobId}: {Chunks} chunk(s), {Frames} frames in {Seconds:F1} s on {Device}")]
    public static partial void Stitched(ILogger logger, int batch, string jobId, int chunks, int frames, double seconds, string device);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "An unreadable work item went to the poison queue: {Reason}")]
    public static partial void Unreadable(ILogger logger, string reason);
}
