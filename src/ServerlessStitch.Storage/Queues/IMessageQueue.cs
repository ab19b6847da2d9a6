namespace ServerlessStitch.Storage.Queues;

/// <summary>
/// One storage queue. Messages are UTF-8 text, stored base64-encoded on Azure (what the Functions queue trigger and
/// the KEDA azure-queue scaler expect). Delivery is at least once: a consumer leases a message with
/// <see cref="ReceiveAsync"/>, keeps the lease with <see cref="UpdateVisibilityAsync"/> while it works, and deletes
/// the message when done; a lease that lapses makes the message visible to the next consumer.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A storage queue is what it is; the name matches Azure's and the shared worker contract.")]
public interface IMessageQueue
{
    string Name { get; }

    /// <summary>Creates the queue; no error if it exists. Cancelling stops the request.</summary>
    Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a message and returns its id. <paramref name="visibilityDelay"/>: invisible for that long first (default
    /// none; whole seconds, rounded up, at most 7 days). Messages never expire (ttl -1). Text whose base64 form exceeds
    /// 64 KiB is refused with <see cref="QueueMessageTooLargeException"/> before any request. Cancelling stops the request.
    /// </summary>
    Task<string> SendAsync(string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The next visible message, leased (invisible to others) for <paramref name="visibilityTimeout"/> (whole seconds,
    /// rounded up, 1 s to 7 days); null when none is visible. <see cref="QueueMessage.DequeueCount"/> counts this
    /// delivery. Cancelling stops the request.
    /// </summary>
    Task<QueueMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends (or with <see cref="TimeSpan.Zero"/> ends) the lease; returns the message with its new
    /// <see cref="QueueMessage.PopReceipt"/> and <see cref="QueueMessage.NextVisibleOn"/>. A stale pop receipt or a
    /// deleted message throws <see cref="QueueMessageLostException"/> (the lease was lost: another consumer may have
    /// it). Cancelling stops the request.
    /// </summary>
    Task<QueueMessage> UpdateVisibilityAsync(QueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>Deletes a leased message; a stale receipt throws <see cref="QueueMessageLostException"/>. Cancelling stops the request.</summary>
    Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken = default);

    /// <summary>Approximate number of messages (visible or not). Cancelling stops the request.</summary>
    Task<int> ApproximateCountAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes all messages (tests, purge). Cancelling stops the request.</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A received message. <paramref name="PopReceipt"/> proves the lease: only its holder can update or delete the
/// message, and each receive or visibility update issues a new one.
/// </summary>
public sealed record QueueMessage(string Id, string PopReceipt, string Text, int DequeueCount, DateTimeOffset InsertedOn, DateTimeOffset NextVisibleOn);
