using Azure.Core.Serialization;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow;
using ServerlessStitch.Workflow.Activities;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);

// A published app carries ffmpeg/ffprobe in native/bin (scripts/bundle_native.sh): they come first on PATH.
NativeBundle.UseIfPresent(AppContext.BaseDirectory);

// Settings are checked before the host starts: a bad value stops the app naming it.
string? Setting(string name) => builder.Configuration[name];
var settings = FunctionAppSettings.FromConfiguration(Setting);
var storage = StorageSettings.FromConfiguration(Setting);
IBlobStore store = storage.CreateBlobStore();

// Models: a local manifest when STITCH_MODELS is set, else the set pushed to the models container, cached on local disk.
string manifestPath = settings.ModelsPath is { } local
    ? ModelManifestLocator.Locate(local)
    : await new ModelSetCache(store, settings.ModelsContainer, settings.ModelsCache, settings.ModelsPrefix).EnsureAsync().ConfigureAwait(false);
var catalog = new ModelCatalog(ModelManifest.Load(manifestPath));
// host.json runs at most 2 activities per instance (maxConcurrentActivityFunctions): each stitching chunk gets half the cores.
var resources = new JobResources(store, catalog) { ChunkThreads = JobResources.ThreadsPerActivity(2) };
var ptiWork = storage.CreateQueue(PtiQueues.Work);
var delivery = new DropDelivery(store);

builder.Services
    // Every payload Durable stores (inputs, outputs, events, status) is written the way WorkflowLimits writes it.
    .Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(WorkflowLimits.Json))
    .AddSingleton(settings)
    .AddSingleton(store)
    .AddSingleton(catalog)
    .AddSingleton(resources)
    .AddSingleton(ptiWork)
    .AddSingleton(new BlobJobSubmitter(store, new EditJobRunner(store, catalog)))
    .AddSingleton(delivery)
    .AddSingleton(new DropWaitlist(store, delivery))
    .AddSingleton(new WorkflowRegistry().AddEditWorkflow(resources, ptiWork));

// The workflow's own spans and metrics, plus the Functions worker's; exported to Application Insights when configured.
var telemetry = builder.Services.AddOpenTelemetry()
    .UseFunctionsWorkerDefaults()
    .WithTracing(t => t.AddSource(WorkflowTelemetry.Name))
    .WithMetrics(m => m.AddMeter(WorkflowTelemetry.Name));
if (!string.IsNullOrEmpty(Setting("APPLICATIONINSIGHTS_CONNECTION_STRING")))
{
    telemetry.UseAzureMonitorExporter();
}

await builder.Build().RunAsync().ConfigureAwait(false);
