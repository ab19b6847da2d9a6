using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessStitch.Storage;
using ServerlessStitch.Storage.Queues;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Workflow.Local;

/// <summary>
/// The local stand-in for the Functions app's completion queue trigger: takes each worker report off
/// <see cref="PtiQueues.Completed"/> and raises it on its instance (<see cref="WorkerReport"/>: PTI's as
/// <see cref="EditOrchestration.PtiCompletedEvent"/>, a stitching batch's as <see cref="EditOrchestration.StitchCompletedEvent"/>).
/// A message is deleted only after the event is stored, so a crash in between raises it again (the orchestration
/// takes the first). An unreadable message, or one for an instance that does not exist, goes to the poison queue.
/// </summary>
public sealed class PtiCompletionListener(LocalWorkflowHost host, IMessageQueue completions, IMessageQueue poison, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>How long a message being handled stays invisible to other listeners.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait between looks at an empty queue.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Listens until cancelled (the host is stopping). Store errors are logged and retried after a poll interval.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await completions.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await poison.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await HandleNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }
            }
            catch (BlobStoreException e)
            {
                Logs.CompletionStoreError(_logger, e.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Handles one visible message, if there is one; false when the queue had none. Cancelling stops between requests.</summary>
    public async Task<bool> HandleNextAsync(CancellationToken cancellationToken = default)
    {
        var message = await completions.ReceiveAsync(Lease, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return false;
        }
        WorkerReport completion;
        try
        {
            completion = WorkerReport.Parse(message.Text);
        }
        catch (PtiMessageException e)
        {
            await PoisonAsync(message, e.Message, cancellationToken).ConfigureAwait(false);
            return true;
        }
        if (await host.GetStatusAsync(completion.InstanceId, cancellationToken).ConfigureAwait(false) is null)
        {
            await PoisonAsync(message, $"There is no workflow instance '{completion.InstanceId}' (job '{completion.JobId}') to report PTI to.", cancellationToken).ConfigureAwait(false);
            return true;
        }
        await host.RaiseEventAsync(completion.InstanceId, completion.EventName, completion.Payload, cancellationToken).ConfigureAwait(false);
        Logs.CompletionRaised(_logger, completion.JobId, completion.InstanceId, completion.EventName);
        await completions.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task PoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        Logs.CompletionPoisoned(_logger, message.Id, reason);
        await poison.SendAsync(PoisonRecord.ToJson(completions.Name, message, reason), null, cancellationToken).ConfigureAwait(false);
        await completions.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
    }
}
