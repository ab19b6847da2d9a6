using System.Diagnostics;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Activities;

/// <summary>
/// A job's last step, success or failure: its outcome recorded and every dropped blob waiting on it delivered (or
/// moved to the failed container), <see cref="DropWaitlist.EndAsync"/>. A job no drop waits on only records its outcome.
/// </summary>
public sealed class DeliverDropsActivity(JobResources resources, DropContainers? containers = null) : EditActivity<DropOutcomeInput, DropsDelivered>(resources)
{
    /// <summary>The error type of a drop whose job ran and failed (as <c>stitch serve</c> writes it).</summary>
    public const string JobFailed = "JobFailed";

    private readonly DropWaitlist _waitlist = new(resources.Store, new DropDelivery(resources.Store, containers));

    public override string Name => EditActivities.DeliverDrops;
    public override string Stage => "deliver";

    protected override async Task<(DropsDelivered, int)> RunAsync(DropOutcomeInput input, Stopwatch clock, CancellationToken cancellationToken)
    {
        var blobs = await _waitlist.EndAsync(input.JobId, new DropOutcome(input.Error, input.Message), cancellationToken).ConfigureAwait(false);
        return (new DropsDelivered([.. blobs], Seconds(clock)), 0);
    }
}
