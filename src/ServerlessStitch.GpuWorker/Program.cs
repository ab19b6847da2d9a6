using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ServerlessStitch.GpuWorker;
using ServerlessStitch.Models;
using ServerlessStitch.Workflow.Activities;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Hosting;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

// stitch-gpu-worker: takes PTI work items off the stitch-pti queue and runs them (see PtiWorker). Exit codes:
// 0 done (queue empty in job mode, or stopped by SIGTERM/SIGINT), 2 bad settings, 1 anything else.
using var loggerFactory = LoggerFactory.Create(builder => builder.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
    o.UseUtcTimestamp = true;
}));
ILogger logger = loggerFactory.CreateLogger("stitch-gpu-worker");

using var stopping = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    // Handled here instead of killing the process: PTI stops between steps and the item goes back to the queue.
    context.Cancel = true;
    stopping.Cancel();
}
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

try
{
    var options = WorkerOptions.From(args, Environment.GetEnvironmentVariable);
    // Before the first libtorch call: PTI is one long loop of small kernels on one thread (OpenMpWaitPolicy).
    OpenMpWaitPolicy.PreferActiveWaiting();
    if (options.Threads > 0)
    {
        set_num_threads(options.Threads);
    }
    var device = DeviceChoice.Resolve(options.Device);
    var store = options.Storage.CreateBlobStore();
    string manifest = options.ModelsPath is null && options.ModelsContainer is { } container
        ? await new ModelSetCache(store, container, options.ModelsCache).EnsureAsync(stopping.Token).ConfigureAwait(false)
        : ModelManifestLocator.Locate(options.ModelsPath);
    using var catalog = new ModelCatalog(ModelManifest.Load(manifest), device);
    using var resources = new JobResources(store, catalog);
    var queues = new WorkerQueues(options.Storage.CreateQueue(PtiQueues.Work), options.Storage.CreateQueue(PtiQueues.Completed), options.Storage.CreateQueue(PtiQueues.Poison));
    string deviceName = device.ToString(), mode = options.Mode.ToString().ToLowerInvariant();
    int threads = get_num_threads();
    Logs.Started(logger, deviceName, threads, options.Storage.Description, mode, options.Visibility.TotalSeconds, options.MaxAttempts);
    await new PtiWorker(options, resources, queues, logger).RunAsync(stopping.Token).ConfigureAwait(false);
    return 0;
}
catch (WorkerConfigurationException e)
{
    await Console.Error.WriteLineAsync("stitch-gpu-worker: " + e.Message).ConfigureAwait(false);
    return 2;
}
catch (ModelException e)
{
    await Console.Error.WriteLineAsync("stitch-gpu-worker: " + e.Message).ConfigureAwait(false);
    return 2;
}
