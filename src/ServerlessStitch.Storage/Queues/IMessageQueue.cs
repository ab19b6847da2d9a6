namespace ServerlessStitch.Storage.Queues;

// TEMPORARY stand-in for the queues branch (same contract); replaced at merge.
#pragma warning disable CA1711
public interface IMessageQueue
{
    string Name { get; }
    Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default);
    Task<string> SendAsync(string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default);
    Task<QueueMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);
    Task<QueueMessage> UpdateVisibilityAsync(QueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);
    Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken = default);
    Task<int> ApproximateCountAsync(CancellationToken cancellationToken = default);
    Task ClearAsync(CancellationToken cancellationToken = default);
}

public sealed record QueueMessage(string Id, string PopReceipt, string Text, int DequeueCount, DateTimeOffset InsertedOn, DateTimeOffset NextVisibleOn);

public class QueueMessageLostException : Exception
{
    public QueueMessageLostException() { }
    public QueueMessageLostException(string message) : base(message) { }
    public QueueMessageLostException(string message, Exception? innerException) : base(message, innerException) { }
}

public static class MessageQueueFactory
{
    public static IMessageQueue Create(string? connectionStringOrPath, string queueName, Azure.Core.TokenCredential? tokenCredential = null, string defaultRoot = ".stitch")
        => throw new NotImplementedException();
}
