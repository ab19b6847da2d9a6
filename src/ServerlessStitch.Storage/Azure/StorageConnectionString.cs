namespace ServerlessStitch.Storage;

/// <summary>
/// An Azure Storage connection string: <c>UseDevelopmentStorage=true</c> (Azurite's well-known account on
/// 127.0.0.1), or <c>DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...</c> with optional
/// <c>BlobEndpoint</c>/<c>QueueEndpoint</c>/<c>EndpointSuffix</c>, or endpoints with a <c>SharedAccessSignature</c>.
/// Without a key or SAS the caller supplies a token credential (managed identity).
/// </summary>
public sealed class StorageConnectionString
{
    private static readonly Uri DevelopmentBlobEndpoint = new("http://127.0.0.1:10000/devstoreaccount1");
    private static readonly Uri DevelopmentQueueEndpoint = new("http://127.0.0.1:10001/devstoreaccount1");

    private StorageConnectionString(Uri blobEndpoint, Uri queueEndpoint, StorageSharedKeyCredential? sharedKey, string? sas)
    {
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        SharedKey = sharedKey;
        SharedAccessSignature = sas;
    }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    /// <summary>Set when the string carries an account key.</summary>
    public StorageSharedKeyCredential? SharedKey { get; }

    /// <summary>Set when the string carries a SAS (without the leading '?').</summary>
    public string? SharedAccessSignature { get; }

    /// <summary>The authorizer the string implies, or null when it carries no secret and needs a token credential.</summary>
    public IStorageRequestAuthorizer? CreateAuthorizer()
        => SharedKey is not null ? new SharedKeyAuthorizer(SharedKey)
            : SharedAccessSignature is not null ? new SasAuthorizer(SharedAccessSignature)
            : null;

    /// <summary>Whether the text is a connection string rather than a folder path or URL.</summary>
    public static bool LooksLikeConnectionString(string text)
        => text.Contains('=', StringComparison.Ordinal) && !Path.IsPathRooted(text) && !Uri.TryCreate(text, UriKind.Absolute, out _);

    /// <summary>Parses the string; throws <see cref="ArgumentException"/> naming the missing or malformed part.</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"Connection string part '{part.Split('=')[0]}' is not of the form Key=Value.", nameof(connectionString));
            }

            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out string? development) && development.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return new StorageConnectionString(DevelopmentBlobEndpoint, DevelopmentQueueEndpoint, StorageSharedKeyCredential.DevelopmentStorage, null);
        }

        parts.TryGetValue("AccountName", out string? account);
        parts.TryGetValue("AccountKey", out string? key);
        parts.TryGetValue("SharedAccessSignature", out string? sas);
        Uri blob = Endpoint(parts, "BlobEndpoint", "blob", account);
        Uri queue = Endpoint(parts, "QueueEndpoint", "queue", account);
        StorageSharedKeyCredential? sharedKey = null;
        if (!string.IsNullOrEmpty(key))
        {
            sharedKey = new StorageSharedKeyCredential(
                account ?? throw new ArgumentException("Connection string has an AccountKey but no AccountName.", nameof(connectionString)),
                key);
        }

        return new StorageConnectionString(blob, queue, sharedKey, string.IsNullOrEmpty(sas) ? null : sas.TrimStart('?'));
    }

    private static Uri Endpoint(Dictionary<string, string> parts, string explicitKey, string service, string? account)
    {
        if (parts.TryGetValue(explicitKey, out string? explicitEndpoint))
        {
            return Uri.TryCreate(explicitEndpoint, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new ArgumentException($"Connection string {explicitKey} '{explicitEndpoint}' is not an http(s) URL.", nameof(parts));
        }

        if (account is null)
        {
            throw new ArgumentException($"Connection string needs AccountName or {explicitKey}.", nameof(parts));
        }

        string protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol", "https");
        string suffix = parts.GetValueOrDefault("EndpointSuffix", "core.windows.net");
        return new Uri($"{protocol}://{account}.{service}.{suffix}");
    }
}
