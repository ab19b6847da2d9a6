// Orchestration code awaits without ConfigureAwait(false): its continuations run where the host resumes them.
#pragma warning disable CA2007

namespace ServerlessStitch.Workflow.Edit;

/// <summary>
/// One activity per chunk, every call issued before the first await (so live runs and replays issue them in the same
/// order); the seconds the activities measured, summed. Shared by the edit orchestration and its fan-out children.
/// </summary>
internal static class ChunkFanOut
{
    public static async Task<double> RunAsync(IWorkflowContext context, string activity, IReadOnlyList<ChunkInput> chunks, ActivityRetry retry,
        Action? onChunkDone = null)
    {
        var calls = chunks.Select(async chunk =>
        {
            var result = await context.CallActivityAsync<BlobOutput>(activity, chunk, retry);
            onChunkDone?.Invoke();
            return result.Seconds;
        }).ToList();
        return (await Task.WhenAll(calls)).Sum();
    }
}

/// <summary>
/// The input of <see cref="ChunkFanOutOrchestration"/>: <paramref name="Activity"/> over chunks
/// [<paramref name="FirstChunk"/>, <paramref name="FirstChunk"/> + <paramref name="ChunkCount"/>) of a video of
/// <paramref name="FrameCount"/> frames split into chunks of <paramref name="ChunkSize"/>. The child rebuilds its
/// chunk list from these numbers, so its input stays a few hundred bytes however many chunks it runs.
/// </summary>
public sealed record ChunkFanOutInput(string JobId, string Activity, int FrameCount, int ChunkSize, int FirstChunk, int ChunkCount, RetryPolicyInput Retry);

/// <summary>What a fan-out child returns: its activities' seconds, summed.</summary>
public sealed record ChunkFanOutOutput(double Seconds);

/// <summary>
/// A slice of a large fan-out as its own orchestration (DESIGN.md §8: "split work into sub-orchestrations of a few
/// hundred activities; histories are replayed whole"). The edit orchestration starts one per
/// <see cref="EditOrchestrationInput.MaxChunksPerOrchestration"/> chunks when a stage has more chunks than that.
/// </summary>
public sealed class ChunkFanOutOrchestration : WorkflowOrchestration<ChunkFanOutInput, ChunkFanOutOutput>
{
    public const string OrchestrationName = "EditChunkFanOut";

    public override string Name => OrchestrationName;

    protected override async Task<ChunkFanOutOutput> RunAsync(IWorkflowContext context, ChunkFanOutInput input)
    {
        ChunkInput[] all = [.. Chunks(input.JobId, input.FrameCount, input.ChunkSize)];
        ChunkInput[] chunks = [.. all.Skip(input.FirstChunk).Take(input.ChunkCount)];
        if (chunks.Length != input.ChunkCount || input.ChunkCount == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"Chunks [{input.FirstChunk}, {input.FirstChunk + input.ChunkCount}) do not lie within the {all.Length} chunks of the video.");
        }
        return new ChunkFanOutOutput(await ChunkFanOut.RunAsync(context, input.Activity, chunks, input.Retry.ToRetry()));
    }

    /// <summary>The chunks of a video as the edit orchestration plans them.</summary>
    internal static IEnumerable<ChunkInput> Chunks(string jobId, int frameCount, int chunkSize) =>
        Media.FrameRange.Split(frameCount, chunkSize).Select(r => new ChunkInput(jobId, r.Start, r.Count));
}
