using System.Diagnostics;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Activities;

/// <summary>The end of a dropped blob's job (<see cref="EditOrchestrationInput.Drop"/>): its video delivered, or the blob moved to the failed container.</summary>
public sealed class DeliverDropActivity(JobResources resources, DropContainers? containers = null) : EditActivity<DropResultInput, BlobOutput>(resources)
{
    /// <summary>The error type of a drop whose job ran and failed (as <c>stitch serve</c> writes it).</summary>
    public const string JobFailed = "JobFailed";

    private readonly DropDelivery _delivery = new(resources.Store, containers);

    public override string Name => EditActivities.DeliverDrop;
    public override string Stage => "deliver";

    protected override async Task<(BlobOutput, int)> RunAsync(DropResultInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        if (input.Error is null)
        {
            await _delivery.DeliverOutputAsync(input.Blob, input.JobId, cancellationToken).ConfigureAwait(false);
            return (new BlobOutput($"{_delivery.Containers.Output}/{input.Blob}", Seconds(clock)), 0);
        }
        await _delivery.MoveToFailedAsync(new DropFailure(input.Blob, input.Error, input.Message ?? "", 1, input.JobId), cancellationToken).ConfigureAwait(false);
        return (new BlobOutput($"{_delivery.Containers.Failed}/{input.Blob}", Seconds(clock)), 0);
    }
}
