using ServerlessStitch.Storage.Queues;
using ServerlessStitch.Workflow.Activities;

namespace ServerlessStitch.Workflow.Edit;

/// <summary>Registers the edit orchestration and its activities (over one process's <see cref="JobResources"/>) on a host's registry.</summary>
public static class EditWorkflow
{
    /// <param name="ptiWorkQueue">Where <see cref="PtiDispatch.Queue"/> jobs send PTI (<see cref="PtiQueues.Work"/>); null when this host only runs PTI in-process.</param>
    public static WorkflowRegistry AddEditWorkflow(this WorkflowRegistry registry, JobResources resources, IMessageQueue? ptiWorkQueue = null)
    {
        Check.NotNull(registry);
        return registry
            .AddOrchestration(new EditOrchestration())
            .AddOrchestration(new ChunkFanOutOrchestration())
            .AddActivity(new ProbeVideoActivity(resources))
            .AddActivity(new DecodeChunkActivity(resources))
            .AddActivity(new DetectLandmarksActivity(resources))
            .AddActivity(new BuildFaceTrackActivity(resources))
            .AddActivity(new AlignChunkActivity(resources))
            .AddActivity(new InvertChunkActivity(resources))
            .AddActivity(new TuneGeneratorActivity(resources))
            .AddActivity(new EnqueuePtiActivity(resources, ptiWorkQueue))
            .AddActivity(new EnqueueStitchActivity(resources, ptiWorkQueue))
            .AddActivity(new StitchChunkActivity(resources))
            .AddActivity(new FinishJobActivity(resources))
            .AddActivity(new DeliverDropsActivity(resources));
    }
}
