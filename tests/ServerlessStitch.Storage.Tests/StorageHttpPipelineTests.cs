using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerlessStitch.Storage.Tests;

/// <summary>
/// Retries need a server that fails on purpose, which Azurite does not: a local HTTP server answers a scripted
/// sequence of status codes, and the real store and pipeline talk to it over a socket.
/// </summary>
public sealed class StorageHttpPipelineTests
{
    private static AzureBlobStoreOptions QuickRetries() => new()
    {
        Retry = new StorageRetryOptions { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) },
    };

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Send_TransientStatusTwiceThenSuccess_RetriesAndSucceeds(HttpStatusCode transient)
    {
        await using var server = ScriptedServer.Start(transient, transient, HttpStatusCode.Created);
        using var store = new AzureBlobStore(server.Endpoint, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), QuickRetries());

        await store.CreateContainerIfNotExistsAsync("jobs");

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.StartsWith("SharedKey devstoreaccount1:", r.Authorization, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_ServerKeepsFailing_ThrowsStorageUnavailableAfterMaxAttempts()
    {
        await using var server = ScriptedServer.Start(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.Created);
        using var store = new AzureBlobStore(server.Endpoint, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), QuickRetries());

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.CreateContainerIfNotExistsAsync("jobs"));

        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("503 ServerBusy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ClientError_IsNotRetriedAndCarriesTheServiceMessage()
    {
        await using var server = ScriptedServer.Start(HttpStatusCode.BadRequest, HttpStatusCode.Created);
        using var store = new AzureBlobStore(server.Endpoint, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), QuickRetries());

        var error = await Assert.ThrowsAsync<BlobStoreException>(() => store.CreateContainerIfNotExistsAsync("jobs"));

        Assert.Single(server.Requests);
        Assert.Contains("400 InvalidHeaderValue: The value for one of the HTTP headers is not in the correct format.", error.Message, StringComparison.Ordinal);
    }

    private sealed record SeenRequest(string Method, string Authorization);

    /// <summary>Answers each request with the next scripted status, an Azure-style error code and XML body.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Queue<HttpStatusCode> _script;
        private readonly Task _loop;

        private ScriptedServer(int port, HttpStatusCode[] script)
        {
            _script = new Queue<HttpStatusCode>(script);
            Endpoint = new Uri($"http://127.0.0.1:{port}/devstoreaccount1");
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public Uri Endpoint { get; }

        public List<SeenRequest> Requests { get; } = [];

        public static ScriptedServer Start(params HttpStatusCode[] script)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return new ScriptedServer(port, script);
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (HttpListenerException)
            {
                // Stopping the listener ends the loop this way.
            }

            _listener.Close();
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                lock (Requests)
                {
                    Requests.Add(new SeenRequest(context.Request.HttpMethod, context.Request.Headers["Authorization"] ?? string.Empty));
                }

                HttpStatusCode status = _script.Count > 0 ? _script.Dequeue() : HttpStatusCode.Created;
                (string code, string message) = status switch
                {
                    HttpStatusCode.BadRequest => ("InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format."),
                    HttpStatusCode.ServiceUnavailable => ("ServerBusy", "The server is currently unable to receive requests."),
                    HttpStatusCode.InternalServerError => ("InternalError", "The server encountered an internal error."),
                    HttpStatusCode.RequestTimeout => ("OperationTimedOut", "The operation could not be completed within the permitted time."),
                    HttpStatusCode.TooManyRequests => ("ServerBusy", "Ingress is over the account limit."),
                    _ => (string.Empty, string.Empty),
                };
                context.Response.StatusCode = (int)status;
                if (code.Length > 0)
                {
                    context.Response.Headers["x-ms-error-code"] = code;
                    byte[] body = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}\nRequestId:1</Message></Error>");
                    context.Response.ContentType = "application/xml";
                    await context.Response.OutputStream.WriteAsync(body);
                }

                context.Response.Close();
            }
        }
    }
}
