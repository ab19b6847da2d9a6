using ServerlessStitch.Workflow.Activities;

namespace ServerlessStitch.Workflow.Edit;

/// <summary>Registers the edit orchestration and its activities (over one process's <see cref="JobResources"/>) on a host's registry.</summary>
public static class EditWorkflow
{
    public static WorkflowRegistry AddEditWorkflow(this WorkflowRegistry registry, JobResources resources)
    {
        Check.NotNull(registry);
        return registry
            .AddOrchestration(new EditOrchestration())
            .AddActivity(new ProbeVideoActivity(resources))
            .AddActivity(new DecodeChunkActivity(resources))
            .AddActivity(new DetectLandmarksActivity(resources))
            .AddActivity(new BuildFaceTrackActivity(resources))
            .AddActivity(new AlignChunkActivity(resources))
            .AddActivity(new InvertChunkActivity(resources))
            .AddActivity(new TuneGeneratorActivity(resources))
            .AddActivity(new EnqueuePtiActivity(resources))
            .AddActivity(new StitchChunkActivity(resources))
            .AddActivity(new FinishJobActivity(resources));
    }
}
