using ServerlessStitch.Storage;
using ServerlessStitch.Storage.Queues;

namespace ServerlessStitch.GpuWorker;

/// <summary>
/// Keeps a taken message invisible to other workers while its work runs: the visibility is extended every third of
/// <see cref="Visibility"/>, so two renewals can fail (a store hiccup) before the lease runs out. If the message is
/// lost (its receipt went stale: the lease had already expired and someone else took it), <see cref="Lost"/> is
/// cancelled so the work stops instead of racing the other worker.
/// </summary>
public sealed class MessageLease : IAsyncDisposable
{
    private readonly IMessageQueue _queue;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewals;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private QueueMessage _message;
    private bool _ended;

    public MessageLease(IMessageQueue queue, QueueMessage message, TimeSpan visibility)
    {
        _queue = queue;
        _message = message;
        Visibility = visibility;
        _renewals = RenewAsync();
    }

    public TimeSpan Visibility { get; }

    /// <summary>Cancelled when the lease is lost; the holder must stop and leave the message alone.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>How many times the lease was extended.</summary>
    public int Renewals { get; private set; }

    /// <summary>Deletes the message: its work is done. Throws <see cref="QueueMessageLostException"/> if the lease was lost.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken = default) =>
        EndAsync(message => _queue.DeleteAsync(message, cancellationToken));

    /// <summary>Gives the message back, visible again after <paramref name="delay"/> (zero: at once, for another worker).</summary>
    public Task ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken = default) =>
        EndAsync(message => _queue.UpdateVisibilityAsync(message, delay, cancellationToken));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewals.ConfigureAwait(false);
        _stop.Dispose();
        _lost.Dispose();
        _gate.Dispose();
    }

    private async Task EndAsync(Func<QueueMessage, Task> end)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewals.ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_ended || _lost.IsCancellationRequested)
            {
                throw new QueueMessageLostException($"The lease on message {_message.Id} of '{_queue.Name}' was lost; another worker may hold it.");
            }
            _ended = true;
            await end(_message).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RenewAsync()
    {
        TimeSpan period = Visibility / 3;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                _message = await _queue.UpdateVisibilityAsync(_message, Visibility, CancellationToken.None).ConfigureAwait(false);
                Renewals++;
            }
            catch (QueueMessageLostException)
            {
                await _lost.CancelAsync().ConfigureAwait(false);
                return;
            }
            catch (BlobStoreException)
            {
                // Transient: the next renewal tries again, a third of the visibility later, before the lease runs out.
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
