namespace ServerlessStitch.Storage.Queues;

/// <summary>
/// The lease on a message is gone: its pop receipt is stale (the lease lapsed and another consumer received it, or
/// it was updated since) or the message was deleted. Stop working on it; whoever holds it now will finish it.
/// </summary>
public class QueueMessageLostException : BlobStoreException
{
    public QueueMessageLostException() { }

    public QueueMessageLostException(string message) : base(message) { }

    public QueueMessageLostException(string message, Exception? innerException) : base(message, innerException) { }

    internal static QueueMessageLostException For(string queue, string id, string operation, Exception? inner = null)
        => new($"Could not {operation} message {id} in queue '{queue}': it was deleted, or its lease lapsed and another consumer may hold it now (the pop receipt is stale).", inner);
}

/// <summary>The text is larger than a queue message can hold (64 KiB once base64-encoded); nothing was sent. Put the payload in a blob and send its name.</summary>
public class QueueMessageTooLargeException : BlobStoreException
{
    public QueueMessageTooLargeException() { }

    public QueueMessageTooLargeException(string message) : base(message) { }

    public QueueMessageTooLargeException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>The queue does not exist: create it first with <see cref="IMessageQueue.CreateIfNotExistsAsync"/>.</summary>
public class QueueNotFoundException : BlobStoreException
{
    public QueueNotFoundException() { }

    public QueueNotFoundException(string message) : base(message) { }

    public QueueNotFoundException(string message, Exception? innerException) : base(message, innerException) { }

    internal static QueueNotFoundException For(string queue, Exception? inner = null)
        => new($"Queue '{queue}' does not exist; create it with CreateIfNotExistsAsync first.", inner);
}
