using Azure.Core;
using Azure.Identity;
using ServerlessStitch.Storage;
using ServerlessStitch.Storage.Queues;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>
/// Where a host's blobs and queues live, read the way the Functions host reads <c>AzureWebJobsStorage</c>: a
/// connection string (or URL, or folder) under <c>NAME</c>, or identity-based settings <c>NAME__accountName</c>
/// (or <c>NAME__blobServiceUri</c> + <c>NAME__queueServiceUri</c>) with <c>NAME__credential=managedidentity</c> and
/// <c>NAME__clientId</c> for a user-assigned identity. The Functions app, the GPU worker and <c>stitch</c> share it.
/// </summary>
public sealed class StorageSettings
{
    private readonly string? _target;
    private readonly TokenCredential? _credential;

    private StorageSettings(string? target, Uri? blobServiceUri, Uri? queueServiceUri, TokenCredential? credential, string description)
    {
        _target = target;
        BlobServiceUri = blobServiceUri;
        QueueServiceUri = queueServiceUri;
        _credential = credential;
        Description = description;
    }

    /// <summary>The identity-based blob endpoint; null when the target is a connection string, URL or folder.</summary>
    public Uri? BlobServiceUri { get; }

    /// <summary>The identity-based queue endpoint; null when the target is a connection string, URL or folder.</summary>
    public Uri? QueueServiceUri { get; }

    /// <summary>What was configured, without secrets (for logs).</summary>
    public string Description { get; }

    /// <param name="get">Reads a setting (e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>); empty counts as unset.</param>
    /// <param name="name">The setting's name; the identity-based form uses <c>{name}__…</c>.</param>
    /// <param name="fallbackFolder">The filesystem store used when nothing is configured; null makes that an error.</param>
    /// <exception cref="StorageSettingsException">Nothing usable is configured, or an identity-based setting is malformed.</exception>
    public static StorageSettings FromConfiguration(Func<string, string?> get, string name = "AzureWebJobsStorage", string? fallbackFolder = null)
    {
        Check.NotNull(get);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string? Read(string key) => get(key) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        if (Read(name) is { } target)
        {
            return new StorageSettings(target, null, null, null, StorageConnectionString.LooksLikeConnectionString(target) ? $"{name} (connection string)" : $"{name} ({Redacted(target)})");
        }

        string? account = Read($"{name}__accountName");
        Uri? blob = ServiceUri(Read($"{name}__blobServiceUri"), $"{name}__blobServiceUri") ?? (account is null ? null : new Uri($"https://{account}.blob.core.windows.net"));
        Uri? queue = ServiceUri(Read($"{name}__queueServiceUri"), $"{name}__queueServiceUri") ?? (account is null ? null : new Uri($"https://{account}.queue.core.windows.net"));
        if (blob is not null || queue is not null)
        {
            if (blob is null || queue is null)
            {
                throw new StorageSettingsException($"Set both {name}__blobServiceUri and {name}__queueServiceUri, or {name}__accountName: the host needs blobs and queues.");
            }
            string? clientId = Read($"{name}__clientId");
            string? credential = Read($"{name}__credential");
            if (credential is not null && !string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
            {
                throw new StorageSettingsException($"{name}__credential must be 'managedidentity' (or unset for the default Azure credential chain), not '{credential}'.");
            }
            TokenCredential token = credential is null
                ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId })
                : clientId is null ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned) : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
            return new StorageSettings(null, blob, queue, token, $"{blob.Host} + {queue.Host} ({(credential is null ? "default credential" : "managed identity")}{(clientId is null ? "" : " " + clientId)})");
        }

        if (fallbackFolder is not null)
        {
            return new StorageSettings(fallbackFolder, null, null, null, $"the filesystem store at {fallbackFolder}");
        }
        throw new StorageSettingsException($"No storage is configured: set {name} to a connection string (UseDevelopmentStorage=true for Azurite), or {name}__accountName with {name}__credential=managedidentity.");
    }

    /// <summary>The blob store (filesystem, Azurite or Azure).</summary>
    public IBlobStore CreateBlobStore() => BlobServiceUri is { } uri
        ? BlobStoreFactory.Create(uri.AbsoluteUri, _credential)
        : BlobStoreFactory.Create(_target);

    /// <summary>One queue of the same account (or, for the filesystem store, under the same folder).</summary>
    public IMessageQueue CreateQueue(string queueName) => QueueServiceUri is { } uri
        ? MessageQueueFactory.Create(uri.AbsoluteUri, queueName, _credential)
        : MessageQueueFactory.Create(_target, queueName);

    private static Uri? ServiceUri(string? value, string setting) => value is null ? null
        : Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttps || (uri?.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)
            ? uri
            : throw new StorageSettingsException($"{setting} must be an https URL (http only on loopback), not '{value}'.");

    // A SAS URL's signature must not reach the logs.
    private static string Redacted(string target) => target.Contains("sig=", StringComparison.Ordinal) ? target.Split('?')[0] + "?<SAS>" : target;
}

/// <summary>The storage settings are missing or malformed; the message names the setting.</summary>
public class StorageSettingsException : Exception
{
    public StorageSettingsException() { }

    public StorageSettingsException(string message) : base(message) { }

    public StorageSettingsException(string message, Exception? innerException) : base(message, innerException) { }
}
