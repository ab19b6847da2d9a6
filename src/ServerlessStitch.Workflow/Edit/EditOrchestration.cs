using ServerlessStitch.Workflow.Activities;

// Orchestration code awaits without ConfigureAwait(false): its continuations run where the host resumes them.
#pragma warning disable CA2007

namespace ServerlessStitch.Workflow.Edit;

/// <summary>
/// One edit job as a durable orchestration (DESIGN.md §3): probe → decode (fan-out) → landmarks (fan-out) → face
/// track (fan-in) → align, then invert (fan-out) → PTI (fan-in; activity or GPU queue + event) → edit, stitch and
/// paste (fan-out) → encode, compare, preview, report (fan-in) → the delivery of every blob dropped for the job (or,
/// on failure, their move; <see cref="Hosting.DropWaitlist"/>). Each fan-out issues all its calls before awaiting any, so the calls come in the same order live and in
/// replay; a fan-out of more than <see cref="EditOrchestrationInput.MaxChunksPerOrchestration"/> chunks runs in
/// sub-orchestrations (<see cref="ChunkFanOutOrchestration"/>). Stage seconds are summed from the activities'
/// own measurements: the orchestration reads no clock.
/// </summary>
public sealed class EditOrchestration : WorkflowOrchestration<EditOrchestrationInput, EditOutput>
{
    public const string OrchestrationName = "EditVideo";

    /// <summary>The event a GPU worker's completion is raised as when PTI is done or has failed for good (payload: <see cref="PtiCompletion"/>).</summary>
    public const string PtiCompletedEvent = "PtiCompleted";

    /// <summary>The event a GPU worker's report on stitching batch <paramref name="batch"/> is raised as (payload: <see cref="StitchCompletion"/>).</summary>
    public static string StitchCompletedEvent(int batch) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"StitchCompleted.{batch}");

    /// <summary>Three attempts, 5 s then 10 s apart: enough for a flaky store or a preempted machine.</summary>
    public static ActivityRetry DefaultRetry { get; } = new(3, TimeSpan.FromSeconds(5), 2.0);

    public override string Name => OrchestrationName;

    protected override async Task<EditOutput> RunAsync(IWorkflowContext context, EditOrchestrationInput input)
    {
        var retry = input.Retry?.ToRetry() ?? DefaultRetry;
        Check.Positive(input.MaxChunksPerOrchestration);
        EditOutput output;
        try
        {
            output = await EditAsync(context, input, retry);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The job failed for good (after the activities' retries): the blobs dropped for it go to the failed
            // container with the reason, and the instance still fails with it. A terminated instance delivers nothing.
            await context.CallActivityAsync<DropsDelivered>(EditActivities.DeliverDrops,
                new DropOutcomeInput(input.JobId, DeliverDropsActivity.JobFailed, e.Message), retry);
            throw;
        }
        context.SetCustomStatus(new EditStatus("deliver", 0, 1));
        await context.CallActivityAsync<DropsDelivered>(EditActivities.DeliverDrops, new DropOutcomeInput(input.JobId), retry);
        context.SetCustomStatus(new EditStatus("done", 1, 1));
        return output;
    }

    private static async Task<EditOutput> EditAsync(IWorkflowContext context, EditOrchestrationInput input, ActivityRetry retry)
    {
        var job = new JobInput(input.JobId);
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);

        context.SetCustomStatus(new EditStatus("probe", 0, 1));
        var plan = await context.CallActivityAsync<VideoPlan>(EditActivities.ProbeVideo, job, retry);
        seconds["probe"] = plan.Seconds;
        ChunkInput[] chunks = [.. ChunkFanOutOrchestration.Chunks(input.JobId, plan.FrameCount, plan.ChunkSize)];
        var fanOut = new FanOut(context, input, plan, chunks, retry);

        seconds["decode"] = await fanOut.RunAsync("decode", EditActivities.DecodeChunk);

        double align = await fanOut.RunAsync("landmarks", EditActivities.DetectLandmarks);
        context.SetCustomStatus(new EditStatus("track", 0, 1));
        align += (await context.CallActivityAsync<BlobOutput>(EditActivities.BuildFaceTrack, job, retry)).Seconds;
        align += await fanOut.RunAsync("align", EditActivities.AlignChunk);
        seconds["align"] = align;

        seconds["invert"] = await fanOut.RunAsync("invert", EditActivities.InvertChunk);

        context.SetCustomStatus(new EditStatus("pti", 0, 1));
        PtiOutput pti;
        if (input.Pti == PtiDispatch.Queue)
        {
            await context.CallActivityAsync<BlobOutput>(EditActivities.EnqueuePti, new PtiWorkItem(context.InstanceId, input.JobId), retry);
            pti = await WaitForWorkerAsync(context, input);
        }
        else
        {
            pti = await context.CallActivityAsync<PtiOutput>(EditActivities.TuneGenerator, job, retry);
        }
        seconds["pti"] = pti.Seconds;

        seconds["stitch"] = input.StitchBatchChunks > 0
            ? await StitchOnWorkerAsync(context, input, chunks, retry)
            : await fanOut.RunAsync("stitch", EditActivities.StitchChunk);

        context.SetCustomStatus(new EditStatus("encode", 0, 1));
        var output = await context.CallActivityAsync<EditOutput>(EditActivities.FinishJob, new FinishInput(input.JobId, seconds), retry);
        context.SetCustomStatus(new EditStatus("done", 1, 1));
        return output;
    }

    /// <summary>The GPU worker's completion: its result, or a <see cref="PtiFailedException"/> saying why there is none.</summary>
    private static async Task<PtiOutput> WaitForWorkerAsync(IWorkflowContext context, EditOrchestrationInput input)
    {
        var completion = await WaitForReportAsync<PtiCompletion>(context, PtiCompletedEvent, input.PtiTimeout, $"PTI for job '{input.JobId}'");
        return completion.Result ?? throw new PtiFailedException($"PTI for job '{input.JobId}' failed on the GPU worker: {completion.Error}");
    }

    /// <summary>A GPU worker's report, raised as <paramref name="eventName"/>; no report in time is a <see cref="PtiFailedException"/> naming <paramref name="subject"/>.</summary>
    private static async Task<T> WaitForReportAsync<T>(IWorkflowContext context, string eventName, TimeSpan timeout, string subject)
    {
        try
        {
            return await context.WaitForExternalEventAsync<T>(eventName, timeout);
        }
        catch (TimeoutException e)
        {
            throw new PtiFailedException($"No GPU worker reported {subject} within {timeout}: is a worker consuming the '{PtiQueues.Work}' queue?", e);
        }
    }

    /// <summary>
    /// Stitching on the GPU worker: every batch is queued first, then every batch's event awaited (in batch order, so
    /// replays issue the same calls); returns the worker's seconds summed. A failed batch fails the job with its reason.
    /// </summary>
    private static async Task<double> StitchOnWorkerAsync(IWorkflowContext context, EditOrchestrationInput input, ChunkInput[] chunks, ActivityRetry retry)
    {
        StitchWorkItem[] batches = [.. chunks.Chunk(input.StitchBatchChunks).Select((batch, i) => new StitchWorkItem(context.InstanceId, input.JobId, i, batch))];
        context.SetCustomStatus(new EditStatus("stitch", 0, chunks.Length));
        await Task.WhenAll(batches.Select(b => context.CallActivityAsync<BlobOutput>(EditActivities.EnqueueStitch, b, retry)));
        int done = 0;
        var reports = batches.Select(async batch =>
        {
            var report = await WaitForReportAsync<StitchCompletion>(context, StitchCompletedEvent(batch.Batch), input.StitchTimeout,
                $"stitching batch {batch.Batch} of job '{input.JobId}'");
            if (report.Error is not null)
            {
                throw new PtiFailedException($"Stitching batch {batch.Batch} of job '{input.JobId}' failed on the GPU worker: {report.Error}");
            }
            context.SetCustomStatus(new EditStatus("stitch", Interlocked.Add(ref done, batch.Chunks.Count), chunks.Length));
            return report.Seconds;
        }).ToList();
        return (await Task.WhenAll(reports)).Sum();
    }

    /// <summary>
    /// One stage's chunk activities: called directly up to <see cref="EditOrchestrationInput.MaxChunksPerOrchestration"/>
    /// chunks, beyond that in <see cref="ChunkFanOutOrchestration"/> children of at most that many chunks each (ids
    /// <c>{instance}.{stage}.{n}</c>), so the parent's history holds a few calls per stage however long the video.
    /// </summary>
    private sealed class FanOut(IWorkflowContext context, EditOrchestrationInput input, VideoPlan plan, ChunkInput[] chunks, ActivityRetry retry)
    {
        /// <summary>Runs <paramref name="activity"/> on every chunk, publishing progress; returns the activities' seconds summed.</summary>
        public async Task<double> RunAsync(string stage, string activity)
        {
            int done = 0;
            // Progress only: the status is not part of the history, so the order these land in does not matter.
            void Done(int count) => context.SetCustomStatus(new EditStatus(stage, Interlocked.Add(ref done, count), chunks.Length));
            context.SetCustomStatus(new EditStatus(stage, 0, chunks.Length));
            int limit = input.MaxChunksPerOrchestration;
            if (chunks.Length <= limit)
            {
                return await ChunkFanOut.RunAsync(context, activity, chunks, retry, () => Done(1));
            }
            var policy = new RetryPolicyInput(retry.MaxAttempts, retry.FirstInterval, retry.BackoffCoefficient);
            var children = Enumerable.Range(0, (chunks.Length + limit - 1) / limit).Select(async n =>
            {
                var slice = new ChunkFanOutInput(input.JobId, activity, plan.FrameCount, plan.ChunkSize, n * limit, Math.Min(limit, chunks.Length - (n * limit)), policy);
                var output = await context.CallSubOrchestrationAsync<ChunkFanOutOutput>(ChunkFanOutOrchestration.OrchestrationName, slice,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{context.InstanceId}.{stage}.{n}"));
                Done(slice.ChunkCount);
                return output.Seconds;
            }).ToList();
            return (await Task.WhenAll(children)).Sum();
        }
    }
}
