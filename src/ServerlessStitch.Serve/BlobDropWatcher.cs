using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Serve;

/// <summary>What the watcher did with one dropped blob version, stored as <c>{receipts}/{blob}.json</c>.</summary>
public sealed record DropReceipt(string Blob, string ETag, string State, int Attempts, string? InstanceId = null, bool StartedNewInstance = false, string? LastError = null)
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>
/// The blob-drop trigger, by polling (Azurite raises no Event Grid events; DESIGN.md §8): each new blob version
/// in the input container is submitted with the edits of its <c>edits</c> metadata (comma-separated) or the
/// configured ones; the job id derives from its content and the request, so a duplicate drop finds the existing
/// instance and starts nothing. A completed job's video is copied to the output container under the blob's name.
/// A request error (not a video, an unknown edit) moves the blob to the failed container at once; a failed run or
/// a store error is retried, and moves it after <see cref="BlobDropOptions.MaxAttempts"/> attempts.
/// </summary>
internal sealed class BlobDropWatcher(IBlobStore store, EditSubmitter submitter, EditRequestParser parser, LocalWorkflowHost host,
    BlobDropOptions options, ILogger<BlobDropWatcher> logger) : BackgroundService
{
    public const string EditsMetadata = "edits";
    public const string JobIdMetadata = DropDelivery.JobIdMetadata;

    private readonly DropDelivery _delivery = new(store, new DropContainers(options.InputContainer, options.OutputContainer, options.FailedContainer));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed poll (storage down) must not end the watcher: it retries at the next interval.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Logs.PollFailed(logger, e);
            }
            try
            {
                await Task.Delay(options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over the input container. Cancelling stops it between store requests.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken = default)
    {
        foreach (string container in new[] { options.InputContainer, options.OutputContainer, options.FailedContainer, options.ReceiptContainer })
        {
            await store.CreateContainerIfNotExistsAsync(container, cancellationToken).ConfigureAwait(false);
        }
        var blobs = new List<BlobProperties>();
        await foreach (var blob in store.ListAsync(options.InputContainer, "", cancellationToken).ConfigureAwait(false))
        {
            blobs.Add(blob);
        }
        foreach (var blob in blobs)
        {
            await HandleAsync(blob, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(BlobProperties blob, CancellationToken cancellationToken)
    {
        var receipt = await ReadReceiptAsync(blob.Name, cancellationToken).ConfigureAwait(false);
        if (receipt is null || receipt.ETag != blob.ETag)
        {
            receipt = new DropReceipt(blob.Name, blob.ETag, DropReceipt.Pending, 0);
        }
        switch (receipt.State)
        {
            case DropReceipt.Pending:
                await SubmitAsync(blob, receipt, cancellationToken).ConfigureAwait(false);
                break;
            case DropReceipt.Running:
                await CheckAsync(blob, receipt, cancellationToken).ConfigureAwait(false);
                break;
            default:
                break; // done or failed: this version was handled.
        }
    }

    private async Task SubmitAsync(BlobProperties blob, DropReceipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            var edits = blob.Metadata.TryGetValue(EditsMetadata, out string? spec) && !string.IsNullOrWhiteSpace(spec)
                ? spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : options.Edits;
            var submitted = await submitter.SubmitBlobAsync(options.InputContainer, blob.Name, parser.Build(edits), cancellationToken).ConfigureAwait(false);
            Logs.DropStarted(logger, options.InputContainer, blob.Name, submitted.InstanceId, submitted.Created);
            var running = receipt with { State = DropReceipt.Running, InstanceId = submitted.InstanceId, StartedNewInstance = submitted.Created };
            await WriteReceiptAsync(running, cancellationToken).ConfigureAwait(false);
            await CheckAsync(blob, running, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ErrorResponses.IsRequestError(e) && !cancellationToken.IsCancellationRequested)
        {
            // The same bytes and metadata fail the same way every time: no point retrying.
            await MoveToFailedAsync(blob, receipt with { Attempts = receipt.Attempts + 1 }, ErrorResponses.TypeOf(e), e.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await AttemptFailedAsync(blob, receipt, ErrorResponses.TypeOf(e), e.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CheckAsync(BlobProperties blob, DropReceipt receipt, CancellationToken cancellationToken)
    {
        var status = await host.GetStatusAsync(receipt.InstanceId!, cancellationToken).ConfigureAwait(false);
        switch (status?.RuntimeStatus)
        {
            case null:
                // Purged meanwhile: submit again.
                await WriteReceiptAsync(receipt with { State = DropReceipt.Pending }, cancellationToken).ConfigureAwait(false);
                break;
            case WorkflowRuntimeStatus.Completed:
                await _delivery.DeliverOutputAsync(blob.Name, receipt.InstanceId!, cancellationToken).ConfigureAwait(false);
                await WriteReceiptAsync(receipt with { State = DropReceipt.Done }, cancellationToken).ConfigureAwait(false);
                Logs.DropCompleted(logger, options.InputContainer, blob.Name, options.OutputContainer);
                break;
            case WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated:
                if (receipt.Attempts + 1 < options.MaxAttempts)
                {
                    // The next attempt runs the job again from scratch (stages skip blobs already written).
                    await host.PurgeAsync(receipt.InstanceId!, cancellationToken).ConfigureAwait(false);
                }
                await AttemptFailedAsync(blob, receipt, "JobFailed", status.FailureReason ?? $"The job ended {status.RuntimeStatus}.", cancellationToken).ConfigureAwait(false);
                break;
            default:
                break; // Pending or Running: look again at the next poll.
        }
    }

    private async Task AttemptFailedAsync(BlobProperties blob, DropReceipt receipt, string error, string message, CancellationToken cancellationToken)
    {
        var failed = receipt with { Attempts = receipt.Attempts + 1, State = DropReceipt.Pending, LastError = message };
        Logs.DropAttemptFailed(logger, options.InputContainer, blob.Name, failed.Attempts, options.MaxAttempts, message);
        if (failed.Attempts >= options.MaxAttempts)
        {
            await MoveToFailedAsync(blob, failed, error, message, cancellationToken).ConfigureAwait(false);
            return;
        }
        await WriteReceiptAsync(failed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the blob to the failed container with its error JSON beside it (<see cref="DropDelivery"/>), and records that.</summary>
    private async Task MoveToFailedAsync(BlobProperties blob, DropReceipt receipt, string error, string message, CancellationToken cancellationToken)
    {
        await _delivery.MoveToFailedAsync(new DropFailure(blob.Name, error, message, receipt.Attempts, receipt.InstanceId), cancellationToken).ConfigureAwait(false);
        await WriteReceiptAsync(receipt with { State = DropReceipt.Failed, LastError = message }, cancellationToken).ConfigureAwait(false);
        Logs.DropMovedToFailed(logger, options.InputContainer, blob.Name, options.FailedContainer, message);
    }

    private async Task<DropReceipt?> ReadReceiptAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadJsonAsync<DropReceipt>(options.ReceiptContainer, blobName + ".json", DropDelivery.Json, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    private Task<BlobProperties> WriteReceiptAsync(DropReceipt receipt, CancellationToken cancellationToken) =>
        store.WriteJsonAsync(options.ReceiptContainer, receipt.Blob + ".json", receipt, DropDelivery.Json, null, cancellationToken);
}
