using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ServerlessStitch.Workflow.Local;

/// <summary>
/// Exports the workflow's spans and metrics (<see cref="WorkflowTelemetry"/>) to an OpenTelemetry collector over
/// OTLP, configured as the OpenTelemetry specification's environment variables say: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// (the base address; unset = no export) and <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c>, the default, or
/// <c>http/protobuf</c>). Disposing flushes what is buffered.
/// </summary>
public sealed class OtlpExport : IDisposable
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>The service name spans and metrics carry.</summary>
    public const string ServiceName = "serverless-stitch";

    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metrics;

    public OtlpExport(Uri endpoint, OtlpExportProtocol protocol)
    {
        Check.NotNull(endpoint);
        var resource = ResourceBuilder.CreateDefault().AddService(ServiceName);
        _tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(WorkflowTelemetry.Name)
            .AddOtlpExporter(o => Configure(o, endpoint, protocol, "v1/traces")).Build();
        _metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(WorkflowTelemetry.Name)
            .AddOtlpExporter(o => Configure(o, endpoint, protocol, "v1/metrics")).Build();
    }

    /// <summary>An export as the environment configures it, or null when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is unset.</summary>
    /// <exception cref="ArgumentException">The endpoint is not an absolute URI or the protocol is not one OTLP defines.</exception>
    public static OtlpExport? FromEnvironment()
    {
        string? endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"{EndpointVariable} must be an absolute URI such as http://127.0.0.1:4317; it is '{endpoint}'.");
        }
        var protocol = Environment.GetEnvironmentVariable(ProtocolVariable) switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new ArgumentException($"{ProtocolVariable} must be 'grpc' or 'http/protobuf'; it is '{other}'."),
        };
        return new OtlpExport(uri, protocol);
    }

    /// <summary>Sends what is buffered now; true when both exports finished within <paramref name="timeout"/>.</summary>
    public bool Flush(TimeSpan timeout) =>
        _tracing.ForceFlush((int)timeout.TotalMilliseconds) & _metrics.ForceFlush((int)timeout.TotalMilliseconds);

    public void Dispose()
    {
        _tracing.Dispose();
        _metrics.Dispose();
    }

    // Set in code, an HTTP endpoint is the signal's full address (the environment's is a base the SDK extends).
    private static void Configure(OtlpExporterOptions options, Uri endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        options.Protocol = protocol;
        options.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(WithSlash(endpoint), signalPath) : endpoint;
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
