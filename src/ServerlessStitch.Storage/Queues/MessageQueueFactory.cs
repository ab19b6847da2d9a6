using Azure.Core;
using Azure.Identity;

namespace ServerlessStitch.Storage.Queues;

/// <summary>Picks the queue from the same storage setting as <see cref="BlobStoreFactory"/>: the filesystem by default, Azure Queue (or Azurite) when given a connection string or URL.</summary>
public static class MessageQueueFactory
{
    /// <summary>
    /// The queue <paramref name="queueName"/> for <paramref name="connectionStringOrPath"/>: empty or a folder path →
    /// <see cref="FileSystemMessageQueue"/> under that folder (<paramref name="defaultRoot"/> when empty), in its
    /// <c>.queues/</c> sub-folder; an Azure Storage connection string (<c>UseDevelopmentStorage=true</c>, an account
    /// key, a SAS) → its QueueEndpoint; a queue-service or queue URL with a SAS → that SAS; a URL without a SAS →
    /// bearer tokens from <paramref name="tokenCredential"/>, or <see cref="DefaultAzureCredential"/> (managed identity).
    /// </summary>
    public static IMessageQueue Create(string? connectionStringOrPath, string queueName, TokenCredential? tokenCredential = null, string defaultRoot = ".stitch")
    {
        QueueRules.ValidateName(queueName);
        string? target = connectionStringOrPath?.Trim();
        if (string.IsNullOrEmpty(target))
        {
            return new FileSystemMessageQueue(defaultRoot, queueName);
        }

        if (StorageConnectionString.LooksLikeConnectionString(target))
        {
            StorageConnectionString parsed = StorageConnectionString.Parse(target);
            IStorageRequestAuthorizer authorizer = parsed.CreateAuthorizer() ?? new BearerTokenAuthorizer(tokenCredential ?? new DefaultAzureCredential());
            return new AzureMessageQueue(parsed.QueueEndpoint, queueName, authorizer);
        }

        if (Uri.TryCreate(target, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https")
        {
            return uri.Query.Contains("sig=", StringComparison.Ordinal)
                ? AzureMessageQueue.FromSasUri(uri, queueName)
                : new AzureMessageQueue(AzureMessageQueue.ServiceOf(uri, queueName), queueName, new BearerTokenAuthorizer(tokenCredential ?? new DefaultAzureCredential()));
        }

        return new FileSystemMessageQueue(uri is { IsFile: true } ? uri.LocalPath : target, queueName);
    }
}
