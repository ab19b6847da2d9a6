using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenTelemetry.Exporter;

namespace ServerlessStitch.Workflow.Local.Tests;

/// <summary>The OTLP export against a loopback HTTP collector that keeps every request it receives.</summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<(string Path, string ContentType, byte[] Body)> _received = new();

    public OtlpExportTests()
    {
        (_listener, Endpoint) = StartListener();
        _ = Task.Run(CollectAsync);
    }

    private Uri Endpoint { get; }

    [Fact]
    public void Export_HttpProtobuf_SendsTheWorkflowSpansAndMetricsToTheCollector()
    {
        using (var export = new OtlpExport(Endpoint, OtlpExportProtocol.HttpProtobuf))
        {
            using (var span = WorkflowTelemetry.Source.StartActivity("DecodeChunk"))
            {
                Assert.NotNull(span); // the export's listener samples the workflow's source
                span.SetTag(WorkflowTelemetry.JobIdTag, "job-otlp-test");
                span.SetTag(WorkflowTelemetry.StageTag, "decode");
            }
            WorkflowTelemetry.FramesProcessed.Add(5, new KeyValuePair<string, object?>(WorkflowTelemetry.StageTag, "decode"));

            Assert.True(export.Flush(TimeSpan.FromSeconds(20)), "the exporters did not finish sending");
        }

        var traces = Bodies("/v1/traces");
        Assert.Contains(traces, b => b.Contains("job-otlp-test", StringComparison.Ordinal) && b.Contains("DecodeChunk", StringComparison.Ordinal)
            && b.Contains(WorkflowTelemetry.JobIdTag, StringComparison.Ordinal) && b.Contains(OtlpExport.ServiceName, StringComparison.Ordinal));
        Assert.Contains(Bodies("/v1/metrics"), b => b.Contains("stitch.frames.processed", StringComparison.Ordinal));
        Assert.All(_received, r => Assert.Equal("application/x-protobuf", r.ContentType));
    }

    [Fact]
    public void FromEnvironment_NoEndpoint_ExportsNothing()
    {
        Assert.Null(Environment.GetEnvironmentVariable(OtlpExport.EndpointVariable));

        Assert.Null(OtlpExport.FromEnvironment());
    }

    public void Dispose() => _listener.Close();

    /// <summary>The bodies received on a path, as text: protobuf carries names and string tags as plain UTF-8.</summary>
    private List<string> Bodies(string path) =>
        [.. _received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body))];

    private async Task CollectAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _received.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    /// <summary>
    /// HttpListener cannot bind port 0, so it takes a port just seen free, and tries another if some other process
    /// took that one in between (the test assemblies run side by side).
    /// </summary>
    private static (HttpListener Listener, Uri Endpoint) StartListener()
    {
        for (int attempt = 1; ; attempt++)
        {
            var endpoint = new Uri($"http://127.0.0.1:{FreePort()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(endpoint.AbsoluteUri);
            try
            {
                listener.Start();
                return (listener, endpoint);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
