using System.Net;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Functions;

/// <summary>
/// What starts an edit and what finishes its GPU step: POST /api/edits, a video dropped in videos-in (Event Grid),
/// and the GPU job's completion message. The instance id is the job id (content hash of video, request and model
/// set), so a duplicate delivery or request finds the same instance (<see cref="InstanceStartPolicy"/>).
/// </summary>
public sealed class EditTriggers(IBlobStore store, BlobJobSubmitter submitter, DropDelivery drops, DropWaitlist waitlist, FunctionAppSettings settings,
    ILogger<EditTriggers> logger)
{
    public const string InputContainer = "videos-in";

    [Function("StartEdit")]
    public async Task<HttpResponseData> StartEdit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "edits")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        string body = await request.ReadAsStringAsync().ConfigureAwait(false) ?? "";
        string jobId;
        try
        {
            var (container, blob, edit) = EditStartRequest.Parse(body, settings);
            jobId = await submitter.SubmitAsync(container, blob, edit, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is EditStartRequestException or MediaException or ModelException or BlobNotFoundException or ArgumentException)
        {
            // The same body fails the same way every time: tell the caller what was wrong (RFC 7807 shape, like stitch serve).
            var bad = request.CreateResponse(e is BlobNotFoundException ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest);
            await bad.WriteAsJsonAsync(new { type = e.GetType().Name, title = "The edit cannot be started.", detail = e.Message }).ConfigureAwait(false);
            return bad;
        }
        await StartIfNeededAsync(client, jobId, context.CancellationToken).ConfigureAwait(false);
        return await client.CreateCheckStatusResponseAsync(request, jobId, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Flex Consumption supports only the Event Grid source for blob triggers (DESIGN.md §8). The blob is listed on
    /// its job's <see cref="DropWaitlist"/> and the job started unless it runs or ran: the orchestration's last
    /// activity delivers every listed blob (videos-out, or videos-failed with the reason), and a blob listed after the
    /// job ended (a copy of a video already edited) is delivered here. A blob that cannot be a job (not a video, an
    /// unknown edit) is moved to videos-failed at once.
    /// </summary>
    [Function("EditDroppedVideo")]
    public async Task EditDroppedVideo(
        [BlobTrigger(InputContainer + "/{name}", Source = BlobTriggerSource.EventGrid)] BlobClient blob,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var cancellationToken = context.CancellationToken;
        string jobId;
        try
        {
            var properties = await store.GetPropertiesAsync(InputContainer, blob.Name, cancellationToken).ConfigureAwait(false);
            jobId = await submitter.SubmitAsync(InputContainer, blob.Name, settings.DropRequest(properties.Metadata), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (DropDelivery.IsRequestError(e))
        {
            await drops.MoveToFailedAsync(new DropFailure(blob.Name, DropDelivery.ErrorType(e), e.Message, 1, null), cancellationToken).ConfigureAwait(false);
            Logs.DropRefused(logger, blob.Name, e.Message);
            return;
        }
        await waitlist.AddAsync(jobId, blob.Name, cancellationToken).ConfigureAwait(false);
        bool started = await StartIfNeededAsync(client, jobId, cancellationToken).ConfigureAwait(false);
        bool delivered = !started && await waitlist.DeliverIfEndedAsync(jobId, blob.Name, cancellationToken).ConfigureAwait(false);
        Logs.DropStarted(logger, blob.Name, jobId, started, delivered);
    }

    /// <summary>The GPU job's report (PTI or a stitching batch): raised on the instance that enqueued it (a malformed message fails and, after the host's retries, goes to the poison queue).</summary>
    [Function("PtiCompleted")]
    public static async Task PtiCompleted([QueueTrigger(PtiQueues.Completed)] string message, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var report = WorkerReport.Parse(message);
        await client.RaiseEventAsync(report.InstanceId, report.EventName, report.Payload, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Schedules the edit under <paramref name="jobId"/> unless an instance by that id is running or done; true when it scheduled one.</summary>
    private async Task<bool> StartIfNeededAsync(DurableTaskClient client, string jobId, CancellationToken cancellationToken)
    {
        var existing = await client.GetInstanceAsync(jobId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        if (!InstanceStartPolicy.ShouldStart(existing?.RuntimeStatus.ToString()))
        {
            return false;
        }
        // A new run of a job that failed: the blobs dropped from now on wait for this run, not the last one's failure.
        await waitlist.ClearOutcomeAsync(jobId, cancellationToken).ConfigureAwait(false);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(EditOrchestration.OrchestrationName, settings.OrchestrationInput(jobId),
                new StartOrchestrationOptions(jobId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Two deliveries of one event raced past the check: the one that lost finds the winner's instance.
            var now = await client.GetInstanceAsync(jobId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
            if (now is not null && !InstanceStartPolicy.ShouldStart(now.RuntimeStatus.ToString()))
            {
                return false;
            }
            throw;
        }
    }
}

internal static partial class Logs
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Blob videos-in/{Blob} is job {JobId} (new instance started: {Started}; delivered from the ended job: {Delivered}).")]
    public static partial void DropStarted(ILogger logger, string blob, string jobId, bool started, bool delivered);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Blob videos-in/{Blob} cannot be edited and was moved to videos-failed: {Reason}")]
    public static partial void DropRefused(ILogger logger, string blob, string reason);
}
