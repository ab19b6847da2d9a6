using System.Collections.Concurrent;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Workflow.Tests.Edit;

/// <summary>
/// Stand-ins for the edit activities that answer at once with well-formed records and log each input, so the
/// orchestration's control flow (fan-outs, PTI dispatch, the replay) is tested in milliseconds. The real
/// activities run in <see cref="EditWorkflowFixture"/>.
/// </summary>
internal sealed class RecordingEditActivities(int frames, int chunkSize)
{
    public ConcurrentQueue<(string Name, string Input)> Runs { get; } = new();

    public WorkflowRegistry Registry(bool failOnRun = false)
    {
        var registry = new WorkflowRegistry().AddOrchestration(new EditOrchestration()).AddOrchestration(new ChunkFanOutOrchestration());
        void Add<TIn, TOut>(string name, Func<TIn, TOut> answer) => registry.AddActivity(new Answering<TIn, TOut>(name, input =>
        {
            Assert.False(failOnRun, $"activity {name} ran during a replay");
            Runs.Enqueue((name, WorkflowLimits.Serialize(input, name)));
            return answer(input);
        }));
        Add<JobInput, VideoPlan>(EditActivities.ProbeVideo, _ => new VideoPlan(frames, chunkSize, 0.5));
        foreach (string name in new[] { EditActivities.DecodeChunk, EditActivities.DetectLandmarks, EditActivities.AlignChunk, EditActivities.InvertChunk, EditActivities.StitchChunk })
        {
            Add<ChunkInput, BlobOutput>(name, c => new BlobOutput($"{c.JobId}/{name}/{c.Start:D6}", c.Count));
        }
        Add<JobInput, BlobOutput>(EditActivities.BuildFaceTrack, j => new BlobOutput(j.JobId + "/alignment.json", 1));
        Add<JobInput, PtiOutput>(EditActivities.TuneGenerator, j => new PtiOutput(j.JobId + "/pti/generator.pt", j.JobId + "/pti/summary.json", 20, 22, 10));
        Add<PtiWorkItem, BlobOutput>(EditActivities.EnqueuePti, w => new BlobOutput($"pti/{w.JobId}.json", 0));
        Add<StitchWorkItem, BlobOutput>(EditActivities.EnqueueStitch, w => new BlobOutput($"stitch/{w.JobId}/{w.Batch}.json", 0));
        Add<DropOutcomeInput, DropsDelivered>(EditActivities.DeliverDrops, d => new DropsDelivered([], 0));
        Add<FinishInput, EditOutput>(EditActivities.FinishJob, f =>
            new EditOutput(f.JobId, $"{f.JobId}/output.mp4", $"{f.JobId}/compare.mp4", $"{f.JobId}/preview.png", $"{f.JobId}/report.json"));
        return registry;
    }

    private sealed class Answering<TIn, TOut>(string name, Func<TIn, TOut> answer) : WorkflowActivity<TIn, TOut>
    {
        public override string Name => name;
        public override string Stage => "test";

        protected override Task<TOut> RunAsync(TIn input, CancellationToken cancellationToken) => Task.FromResult(answer(input));
    }
}
