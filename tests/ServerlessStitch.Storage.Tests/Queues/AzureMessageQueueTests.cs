using System.Net;
using System.Text;
using System.Xml.Linq;
using ServerlessStitch.Storage.Queues;

namespace ServerlessStitch.Storage.Tests.Queues;

/// <summary>What only the Azure queue has: the wire format the Functions trigger and KEDA read, and the connection-string path.</summary>
[Collection(AzuriteShared.Name)]
public sealed class AzureMessageQueueTests(AzuriteFixture azurite)
{
    private readonly string _name = "q" + Guid.NewGuid().ToString("N")[..24];

    [Fact]
    public async Task Send_StoresTheTextAsBase64OfUtf8()
    {
        AzureMessageQueue queue = azurite.CreateQueue(_name);
        await queue.CreateIfNotExistsAsync();

        await queue.SendAsync("héllo 顔");

        string stored = await PeekRawAsync(queue);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("héllo 顔")), stored);
    }

    [Fact]
    public async Task Receive_AMessageSentAsPlainText_ReturnsItAsItIs()
    {
        AzureMessageQueue queue = azurite.CreateQueue(_name);
        await queue.CreateIfNotExistsAsync();
        using HttpResponseMessage put = await RawAsync(queue, HttpMethod.Post, "messages", "<QueueMessage><MessageText>not base64!</MessageText></QueueMessage>");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        QueueMessage? received = await queue.ReceiveAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("not base64!", received?.Text);
    }

    [Fact]
    public async Task Factory_AzuriteConnectionString_SendsAndReceivesOverTheQueueEndpoint()
    {
        IMessageQueue queue = MessageQueueFactory.Create(azurite.Azurite.ConnectionString, _name);
        await queue.CreateIfNotExistsAsync();

        await queue.SendAsync("over the connection string");

        Assert.Equal(azurite.Azurite.QueueEndpoint, Assert.IsType<AzureMessageQueue>(queue).ServiceEndpoint);
        Assert.Equal("over the connection string", (await queue.ReceiveAsync(TimeSpan.FromSeconds(5)))?.Text);
    }

    [Fact]
    public async Task AnyRequest_WrongAccountKey_ThrowsAccessDenied()
    {
        var wrongKey = new StorageSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64]));
        var queue = new AzureMessageQueue(azurite.Azurite.QueueEndpoint, _name, new SharedKeyAuthorizer(wrongKey), AzuriteFixture.TestOptions().Retry);

        var error = await Assert.ThrowsAsync<StorageAccessDeniedException>(() => queue.CreateIfNotExistsAsync());

        Assert.Contains(_name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_TooLarge_IsRefusedBeforeAnyRequest()
    {
        // Nothing listens on port 9: a request would end in StorageUnavailableException, not the size error.
        var queue = new AzureMessageQueue(new Uri("http://127.0.0.1:9/devstoreaccount1"), _name, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), new StorageRetryOptions { MaxAttempts = 1 });

        await Assert.ThrowsAsync<QueueMessageTooLargeException>(() => queue.SendAsync(new string('x', 49_153)));
    }

    [Fact]
    public async Task AnyRequest_NothingListening_ThrowsStorageUnavailable()
    {
        var queue = new AzureMessageQueue(new Uri("http://127.0.0.1:9/devstoreaccount1"), _name, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), new StorageRetryOptions { MaxAttempts = 1 });

        await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.ReceiveAsync(TimeSpan.FromSeconds(1)));
    }

    private static async Task<string> PeekRawAsync(AzureMessageQueue queue)
    {
        using HttpResponseMessage response = await RawAsync(queue, HttpMethod.Get, "messages?peekonly=true", null);
        response.EnsureSuccessStatusCode();
        XDocument xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        return xml.Root!.Element("QueueMessage")!.Element("MessageText")!.Value;
    }

    /// <summary>A request signed the way our client signs, bypassing it, to see and make the raw wire format.</summary>
    private static async Task<HttpResponseMessage> RawAsync(AzureMessageQueue queue, HttpMethod method, string relative, string? body)
    {
        using var http = new HttpClient();
        var pipeline = new StorageHttpPipeline(http, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), new StorageRetryOptions { MaxAttempts = 1 }, queue.ServiceEndpoint);
        return await pipeline.SendAsync(
            () => new HttpRequestMessage(method, $"{queue.Uri}/{relative}") { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/xml") },
            HttpCompletionOption.ResponseContentRead);
    }
}
