using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;

namespace ServerlessStitch.Storage.Queues;

/// <summary>
/// <see cref="IMessageQueue"/> over the Azure Queue REST API (Azure Storage or Azurite), sent through the same
/// <see cref="StorageHttpPipeline"/> as the blob client: the same API version, authorizers (Shared Key, SAS,
/// bearer tokens) and retries.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A storage queue is what it is; the name matches Azure's and the shared worker contract.")]
public sealed class AzureMessageQueue : IMessageQueue
{
    // One connection pool for every queue in the process; queue requests are small, so a short attempt timeout.
    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private readonly StorageHttpPipeline _pipeline;
    private readonly string _queueUri;

    /// <summary>
    /// The queue <paramref name="name"/> on <paramref name="serviceEndpoint"/> (e.g. https://account.queue.core.windows.net
    /// or http://127.0.0.1:10001/devstoreaccount1).
    /// </summary>
    public AzureMessageQueue(Uri serviceEndpoint, string name, IStorageRequestAuthorizer authorizer, StorageRetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(serviceEndpoint);
        ArgumentNullException.ThrowIfNull(authorizer);
        QueueRules.ValidateName(name, nameof(name));
        Name = name;
        ServiceEndpoint = new Uri(serviceEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/'));
        _queueUri = $"{ServiceEndpoint.AbsoluteUri.TrimEnd('/')}/{name}";
        Authorizer = authorizer;
        _pipeline = new StorageHttpPipeline(SharedHttp, authorizer, Check.NotNull(retry ?? new StorageRetryOptions()), ServiceEndpoint);
    }

    /// <summary>
    /// The queue from a SAS URL: an account SAS on the service (https://account.queue.core.windows.net/?sv=...) or a
    /// SAS on the queue itself (.../<paramref name="name"/>?sv=...).
    /// </summary>
    public static AzureMessageQueue FromSasUri(Uri sasUri, string name, StorageRetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(sasUri);
        string sas = sasUri.Query.TrimStart('?');
        if (!sas.Contains("sig=", StringComparison.Ordinal))
        {
            throw new ArgumentException("The URL carries no shared access signature (no 'sig' parameter).", nameof(sasUri));
        }

        return new AzureMessageQueue(ServiceOf(sasUri, name), name, new SasAuthorizer(sas), retry);
    }

    public string Name { get; }

    /// <summary>The queue service, without any SAS.</summary>
    public Uri ServiceEndpoint { get; }

    /// <summary>The queue's own URL, without any SAS.</summary>
    public Uri Uri => new(_queueUri);

    internal IStorageRequestAuthorizer Authorizer { get; }

    /// <summary>The service endpoint of a URL that names either the service or the queue <paramref name="name"/> on it.</summary>
    internal static Uri ServiceOf(Uri url, string name)
    {
        string path = url.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(path.EndsWith("/" + name, StringComparison.Ordinal) ? path[..^(name.Length + 1)] : path);
    }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Put, _queueUri, null, cancellationToken).ConfigureAwait(false);
        // 201 created, 204 already there with the same metadata, 409 QueueAlreadyExists there with other metadata.
        if (response.StatusCode == HttpStatusCode.Conflict && AzureErrorTranslator.ErrorCode(response) == "QueueAlreadyExists")
        {
            return;
        }

        await EnsureSuccessAsync(response, "create", null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> SendAsync(string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        string encoded = QueueRules.Encode(Name, text);
        int delay = QueueRules.Seconds(visibilityDelay ?? TimeSpan.Zero, allowZero: true, nameof(visibilityDelay));
        string body = new XElement("QueueMessage", new XElement("MessageText", encoded)).ToString(SaveOptions.DisableFormatting);
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Post,
            $"{_queueUri}/messages?visibilitytimeout={QueueRules.SecondsText(delay)}&messagettl=-1",
            body,
            cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "send a message to", null, cancellationToken).ConfigureAwait(false);
        XElement sent = (await ReadMessagesAsync(response, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
            ?? throw new BlobStoreException($"Azure Storage accepted a message for queue '{Name}' but returned no message id.");
        return Required(sent, "MessageId");
    }

    public async Task<QueueMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        int seconds = QueueRules.Seconds(visibilityTimeout, allowZero: false, nameof(visibilityTimeout));
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Get,
            $"{_queueUri}/messages?numofmessages=1&visibilitytimeout={QueueRules.SecondsText(seconds)}",
            null,
            cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "receive from", null, cancellationToken).ConfigureAwait(false);
        XElement? received = (await ReadMessagesAsync(response, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        return received is null
            ? null
            : new QueueMessage(
                Required(received, "MessageId"),
                Required(received, "PopReceipt"),
                QueueRules.Decode(received.Element("MessageText")?.Value ?? string.Empty),
                int.Parse(Required(received, "DequeueCount"), CultureInfo.InvariantCulture),
                ParseTime(Required(received, "InsertionTime")),
                ParseTime(Required(received, "TimeNextVisible")));
    }

    public async Task<QueueMessage> UpdateVisibilityAsync(QueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        int seconds = QueueRules.Seconds(visibilityTimeout, allowZero: true, nameof(visibilityTimeout));
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Put,
            $"{MessageUri(message)}&visibilitytimeout={QueueRules.SecondsText(seconds)}",
            null,
            cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "update the visibility of", message, cancellationToken).ConfigureAwait(false);
        return message with
        {
            PopReceipt = Header(response, "x-ms-popreceipt"),
            NextVisibleOn = ParseTime(Header(response, "x-ms-time-next-visible")),
        };
    }

    public async Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, MessageUri(message), null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "delete", message, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ApproximateCountAsync(CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, $"{_queueUri}?comp=metadata", null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "count the messages of", null, cancellationToken).ConfigureAwait(false);
        return int.Parse(Header(response, "x-ms-approximate-messages-count"), CultureInfo.InvariantCulture);
    }

    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        // A very long queue can make the service answer 500 OperationTimedOut part-way; the pipeline retries it.
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, $"{_queueUri}/messages", null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "clear", null, cancellationToken).ConfigureAwait(false);
    }

    private string MessageUri(QueueMessage message)
        => $"{_queueUri}/messages/{Uri.EscapeDataString(message.Id)}?popreceipt={Uri.EscapeDataString(message.PopReceipt)}";

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, string? xmlBody, CancellationToken cancellationToken)
        => _pipeline.SendAsync(
            () => new HttpRequestMessage(method, uri)
            {
                Content = xmlBody is null ? null : new StringContent(xmlBody, Encoding.UTF8, "application/xml"),
            },
            HttpCompletionOption.ResponseContentRead,
            cancellationToken);

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, QueueMessage? message, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await QueueErrorTranslator.ToExceptionAsync(response, operation, Name, message?.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IEnumerable<XElement>> ReadMessagesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string xml = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return xml.Length == 0 ? [] : XDocument.Parse(xml).Root?.Elements("QueueMessage") ?? [];
    }

    private string Required(XElement message, string element)
        => message.Element(element)?.Value
            ?? throw new BlobStoreException($"Azure Storage answered for queue '{Name}' with a message that has no <{element}>.");

    private string Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.First()
            : throw new BlobStoreException($"Azure Storage answered for queue '{Name}' without the {name} header.");

    /// <summary>The service's RFC 1123 times ("Fri, 09 Oct 2009 21:04:30 GMT").</summary>
    private static DateTimeOffset ParseTime(string text)
        => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
