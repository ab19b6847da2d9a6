using System.Diagnostics;
using ServerlessStitch.Torch;

namespace ServerlessStitch.Workflow.Activities;

/// <summary>
/// Base of the edit activities: each is a few lines delegating to a Pipeline stage class, timed here (the
/// orchestration may not read a clock) and counted in <see cref="WorkflowTelemetry.FramesProcessed"/>.
/// </summary>
public abstract class EditActivity<TInput, TOutput>(JobResources resources) : WorkflowActivity<TInput, TOutput>
{
    protected JobResources Resources { get; } = Check.NotNull(resources);

    protected sealed override async Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (output, frames) = await RunAsync(input, clock, cancellationToken).ConfigureAwait(false);
        // A chunk's frames and tensors are freed by now; without this the process keeps their pages (NativeHeap).
        NativeHeap.Trim();
        if (frames > 0)
        {
            WorkflowTelemetry.FramesProcessed.Add(frames, new KeyValuePair<string, object?>(WorkflowTelemetry.StageTag, Stage));
        }
        return output;
    }

    /// <summary>Does the work; returns the output and the number of frames handled. <paramref name="clock"/> runs from the start.</summary>
    protected abstract Task<(TOutput Output, int Frames)> RunAsync(TInput input, Stopwatch clock, CancellationToken cancellationToken);

    protected static double Seconds(Stopwatch clock) => Math.Round(clock.Elapsed.TotalSeconds, 3);
}
