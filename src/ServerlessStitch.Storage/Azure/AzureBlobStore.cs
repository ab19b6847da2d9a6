using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Azure.Core;

namespace ServerlessStitch.Storage;

/// <summary>
/// <see cref="IBlobStore"/> over the Azure Blob REST API (Azure Storage or Azurite). Small blobs go up in one
/// Put Blob; large ones as blocks staged in parallel and committed by one Put Block List, so a reader never sees
/// a partial blob and an interrupted upload leaves only uncommitted blocks, which the service discards.
/// </summary>
public sealed class AzureBlobStore : IBlobStore, IDisposable
{
    private readonly HttpClient _http;
    private readonly string _endpoint;

    /// <summary>A store on <paramref name="serviceEndpoint"/> (e.g. https://account.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1).</summary>
    public AzureBlobStore(Uri serviceEndpoint, IStorageRequestAuthorizer authorizer, AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(serviceEndpoint);
        ArgumentNullException.ThrowIfNull(authorizer);
        Options = options ?? new AzureBlobStoreOptions();
        Options.Validate();
        _endpoint = serviceEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(16, Options.MaxParallelBlockUploads * 4),
        })
        {
            Timeout = Options.AttemptTimeout,
        };
        Pipeline = new StorageHttpPipeline(_http, authorizer, Options.Retry, new Uri(_endpoint));
    }

    /// <summary>A store on the blob endpoint of a connection string; managed identity needs <paramref name="tokenCredential"/>.</summary>
    public static AzureBlobStore FromConnectionString(string connectionString, AzureBlobStoreOptions? options = null, TokenCredential? tokenCredential = null)
    {
        StorageConnectionString parsed = StorageConnectionString.Parse(connectionString);
        IStorageRequestAuthorizer authorizer = parsed.CreateAuthorizer()
            ?? (tokenCredential is not null ? new BearerTokenAuthorizer(tokenCredential)
                : throw new ArgumentException("The connection string has no AccountKey or SharedAccessSignature; pass a token credential (e.g. DefaultAzureCredential) for managed identity.", nameof(connectionString)));
        return new AzureBlobStore(parsed.BlobEndpoint, authorizer, options);
    }

    /// <summary>
    /// A store from a SAS URL: an account SAS (https://account.blob.core.windows.net/?sv=...) or a container SAS
    /// (.../container?sv=...&amp;sr=c...), in which case only that container is reachable.
    /// </summary>
    public static AzureBlobStore FromSasUri(Uri sasUri, AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sasUri);
        string sas = sasUri.Query.TrimStart('?');
        if (!sas.Contains("sig=", StringComparison.Ordinal))
        {
            throw new ArgumentException("The URL carries no shared access signature (no 'sig' parameter).", nameof(sasUri));
        }

        bool isContainerSas = sas.Split('&').Contains("sr=c", StringComparer.Ordinal);
        string path = sasUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        string endpoint = isContainerSas ? path[..path.LastIndexOf('/')] : path;
        return new AzureBlobStore(new Uri(endpoint), new SasAuthorizer(sas), options);
    }

    public string Location => _endpoint;

    public AzureBlobStoreOptions Options { get; }

    internal StorageHttpPipeline Pipeline { get; }

    public async Task CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        BlobNameRules.ValidateContainer(container);
        using HttpResponseMessage response = await Pipeline.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, ContainerUri(container, "restype=container")),
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict && AzureErrorTranslator.ErrorCode(response) == "ContainerAlreadyExists")
        {
            return;
        }

        await EnsureSuccessAsync(response, "create", container, null, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<BlobProperties> WriteAsync(string container, string name, Stream content, BlobWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        BlobWriteStream writer = await OpenWriteAsync(container, name, options, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await content.CopyToAsync(writer, Options.BlockSize, cancellationToken).ConfigureAwait(false);
            return await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<BlobWriteStream> OpenWriteAsync(string container, string name, BlobWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateAddress(container, name);
        options ??= new BlobWriteOptions();
        BlobNameRules.ValidateWriteOptions(options);
        return Task.FromResult<BlobWriteStream>(new AzureBlockWriteStream(this, container, name, options));
    }

    public async Task<BlobDownload> OpenReadAsync(string container, string name, BlobRange? range = null, CancellationToken cancellationToken = default)
    {
        ValidateAddress(container, name);
        HttpResponseMessage response = await Pipeline.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, BlobUri(container, name));
                if (range is { } r)
                {
                    request.Headers.Add("x-ms-range", r.ToHttpRange());
                }

                return request;
            },
            HttpCompletionOption.ResponseHeadersRead,
            cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The range starts at or past the end: like a file read there, that is no bytes, not an error.
                BlobProperties whole = await GetPropertiesAsync(container, name, cancellationToken).ConfigureAwait(false);
                response.Dispose();
                return new BlobDownload(whole, Stream.Null);
            }

            await EnsureSuccessAsync(response, "read", container, name, null, cancellationToken).ConfigureAwait(false);
            BlobProperties properties = BlobResponseHeaders.ToProperties(name, response);
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new BlobDownload(properties, new ResponseOwningStream(body, response));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async Task<BlobProperties> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        ValidateAddress(container, name);
        using HttpResponseMessage response = await HeadAsync(container, name, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "read properties", container, name, null, cancellationToken).ConfigureAwait(false);
        return BlobResponseHeaders.ToProperties(name, response);
    }

    public async Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        ValidateAddress(container, name);
        using HttpResponseMessage response = await HeadAsync(container, name, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, "check", container, name, null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async IAsyncEnumerable<BlobProperties> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobNameRules.ValidateContainer(container);
        BlobNameRules.ValidatePrefix(prefix);
        string? marker = null;
        do
        {
            string query = string.Create(CultureInfo.InvariantCulture, $"restype=container&comp=list&include=metadata&maxresults={Options.ListPageSize}")
                + (prefix.Length > 0 ? "&prefix=" + Uri.EscapeDataString(prefix) : string.Empty)
                + (marker is null ? string.Empty : "&marker=" + Uri.EscapeDataString(marker));
            using HttpResponseMessage response = await Pipeline.SendAsync(
                () => new HttpRequestMessage(HttpMethod.Get, ContainerUri(container, query)),
                HttpCompletionOption.ResponseContentRead,
                cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, "list", container, null, null, cancellationToken).ConfigureAwait(false);
            Stream xml = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            BlobListPage page = BlobListPage.Parse(xml);
            foreach (BlobProperties blob in page.Blobs)
            {
                yield return blob;
            }

            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    public async Task<bool> DeleteIfExistsAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        ValidateAddress(container, name);
        using HttpResponseMessage response = await Pipeline.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Delete, BlobUri(container, name)),
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, "delete", container, name, null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The blob's URL: each name segment percent-encoded (spaces, '+', unicode), '/' kept as the separator.</summary>
    internal Uri BlobUri(string container, string name, string? query = null)
    {
        string path = string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
        return new Uri($"{_endpoint}/{container}/{path}{(query is null ? string.Empty : "?" + query)}");
    }

    internal static void AddWriteHeaders(HttpRequestMessage request, BlobCondition condition)
    {
        if (condition.IfNotExists)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        }

        if (condition.IfMatchETag is { } etag)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }
    }

    internal static void AddMetadataHeaders(HttpRequestMessage request, IReadOnlyDictionary<string, string>? metadata)
    {
        foreach ((string key, string value) in metadata ?? new Dictionary<string, string>())
        {
            request.Headers.Add("x-ms-meta-" + key.ToLowerInvariant(), value);
        }
    }

    internal static Task EnsureSuccessAsync(HttpResponseMessage response, string operation, string container, string? name, BlobCondition? condition, CancellationToken cancellationToken)
        => response.IsSuccessStatusCode
            ? Task.CompletedTask
            : ThrowAsync(response, operation, container, name, condition, cancellationToken);

    private static async Task ThrowAsync(HttpResponseMessage response, string operation, string container, string? name, BlobCondition? condition, CancellationToken cancellationToken)
        => throw await AzureErrorTranslator.ToExceptionAsync(response, operation, container, name, condition, cancellationToken).ConfigureAwait(false);

    private Uri ContainerUri(string container, string query) => new($"{_endpoint}/{container}?{query}");

    private Task<HttpResponseMessage> HeadAsync(string container, string name, CancellationToken cancellationToken)
        => Pipeline.SendAsync(() => new HttpRequestMessage(HttpMethod.Head, BlobUri(container, name)), HttpCompletionOption.ResponseContentRead, cancellationToken);

    private static void ValidateAddress(string container, string name)
    {
        BlobNameRules.ValidateContainer(container);
        BlobNameRules.ValidateName(name);
    }
}
