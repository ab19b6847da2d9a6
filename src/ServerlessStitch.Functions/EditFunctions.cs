using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using ServerlessStitch.Workflow;
using ServerlessStitch.Workflow.Edit;

#pragma warning disable CA2007 // Orchestrator code: no ConfigureAwait(false).

namespace ServerlessStitch.Functions;

/// <summary>
/// The edit orchestration and its activities as Durable functions: each is one line handing the JSON payload to the
/// workflow registry (the same code the local host runs). Function names are the workflow's own names.
/// </summary>
public sealed class EditFunctions(WorkflowRegistry registry)
{
    [Function(EditOrchestration.OrchestrationName)]
    public Task<JsonElement> EditVideo([OrchestrationTrigger] TaskOrchestrationContext context) => OrchestrateAsync(EditOrchestration.OrchestrationName, context);

    /// <summary>A slice of a long video's fan-out, started by <see cref="EditVideo"/> as a sub-orchestration.</summary>
    [Function(ChunkFanOutOrchestration.OrchestrationName)]
    public Task<JsonElement> EditChunkFanOut([OrchestrationTrigger] TaskOrchestrationContext context) => OrchestrateAsync(ChunkFanOutOrchestration.OrchestrationName, context);

    [Function(EditActivities.ProbeVideo)]
    public Task<JsonElement> ProbeVideo([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.ProbeVideo, input, context);

    [Function(EditActivities.DecodeChunk)]
    public Task<JsonElement> DecodeChunk([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.DecodeChunk, input, context);

    [Function(EditActivities.DetectLandmarks)]
    public Task<JsonElement> DetectLandmarks([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.DetectLandmarks, input, context);

    [Function(EditActivities.BuildFaceTrack)]
    public Task<JsonElement> BuildFaceTrack([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.BuildFaceTrack, input, context);

    [Function(EditActivities.AlignChunk)]
    public Task<JsonElement> AlignChunk([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.AlignChunk, input, context);

    [Function(EditActivities.InvertChunk)]
    public Task<JsonElement> InvertChunk([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.InvertChunk, input, context);

    [Function(EditActivities.TuneGenerator)]
    public Task<JsonElement> TuneGenerator([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.TuneGenerator, input, context);

    [Function(EditActivities.EnqueuePti)]
    public Task<JsonElement> EnqueuePti([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.EnqueuePti, input, context);

    [Function(EditActivities.EnqueueStitch)]
    public Task<JsonElement> EnqueueStitch([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.EnqueueStitch, input, context);

    [Function(EditActivities.StitchChunk)]
    public Task<JsonElement> StitchChunk([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.StitchChunk, input, context);

    [Function(EditActivities.FinishJob)]
    public Task<JsonElement> FinishJob([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.FinishJob, input, context);

    [Function(EditActivities.DeliverDrops)]
    public Task<JsonElement> DeliverDrops([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(EditActivities.DeliverDrops, input, context);

    private async Task<JsonElement> OrchestrateAsync(string name, TaskOrchestrationContext context)
    {
        string input = context.GetInput<JsonElement>().GetRawText();
        string output = await registry.Orchestration(name).RunAsync(new DurableWorkflowContext(context), input);
        return DurableWorkflowContext.ToElement(output);
    }

    private async Task<JsonElement> RunAsync(string name, JsonElement input, FunctionContext context) =>
        DurableWorkflowContext.ToElement(await registry.Activity(name).RunAsync(input.GetRawText(), context.CancellationToken).ConfigureAwait(false));
}
