using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Storage.Queues;
using ServerlessStitch.Workflow;
using ServerlessStitch.Workflow.Activities;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Serve;

/// <summary>
/// <c>stitch serve</c> as an object: Kestrel on 127.0.0.1 with the edit API, the local workflow host running the
/// edit orchestration over the configured store, and the blob-drop watcher. Start it, use <see cref="Address"/>,
/// dispose it to stop (running jobs stop without changing their status and resume at the next start).
/// </summary>
public sealed class StitchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ModelCatalog _catalog;
    private readonly JobResources _resources;

    private StitchServer(WebApplication app, ModelCatalog catalog, JobResources resources, LocalWorkflowHost host, IBlobStore store, Uri address)
    {
        _app = app;
        _catalog = catalog;
        _resources = resources;
        Host = host;
        Store = store;
        Address = address;
    }

    /// <summary>The base address, e.g. http://127.0.0.1:7071/.</summary>
    public Uri Address { get; }

    public LocalWorkflowHost Host { get; }

    public IBlobStore Store { get; }

    /// <summary>
    /// Checks the options, opens the store and models, resumes unfinished instances and starts listening.
    /// Cancelling stops the start. <paramref name="configureLogging"/> adds log providers (the CLI: the console).
    /// </summary>
    public static async Task<StitchServer> StartAsync(ServeOptions options, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        IBlobStore store = string.IsNullOrWhiteSpace(options.StorageConnectionString)
            ? new FileSystemBlobStore(Path.GetFullPath(options.DataPath))
            : BlobStoreFactory.Create(options.StorageConnectionString);
        var catalog = new ModelCatalog(ModelManifest.Load(ModelManifestLocator.Locate(options.ModelsPath)));
        var resources = new JobResources(store, catalog, options.MediaLimits) { ChunkThreads = JobResources.ThreadsPerActivity(options.MaxParallelActivities) };
        // The PTI queues live next to the blobs: the same Azurite/Azure account, or the same folder.
        string queueTarget = string.IsNullOrWhiteSpace(options.StorageConnectionString) ? Path.GetFullPath(options.DataPath) : options.StorageConnectionString;
        IMessageQueue? ptiWork = options.Pti == PtiDispatch.Queue || options.StitchBatchChunks > 0 ? MessageQueueFactory.Create(queueTarget, PtiQueues.Work) : null;
        var host = new LocalWorkflowHost(store, new WorkflowRegistry().AddEditWorkflow(resources, ptiWork),
            new LocalWorkflowHostOptions { MaxParallelActivities = options.MaxParallelActivities });
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(StitchServer).Assembly.GetName().Name });
            builder.Logging.ClearProviders();
            configureLogging?.Invoke(builder.Logging);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, options.Port);
                kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            });
            var parser = new EditRequestParser(options.Defaults);
            var submitter = new EditSubmitter(store, new EditJobRunner(store, catalog, options.MediaLimits), host, options);
            builder.Services.AddSingleton(store).AddSingleton(host).AddSingleton(parser).AddSingleton(submitter).AddSingleton(options)
                .AddSingleton(options.Drop).AddSingleton<EditEndpoints>().AddSingleton<ErrorMiddleware>();
            if (options.Drop.Enabled)
            {
                builder.Services.AddHostedService<BlobDropWatcher>();
            }
            if (ptiWork is not null)
            {
                builder.Services.AddHostedService(services => new PtiCompletionService(new PtiCompletionListener(host,
                    MessageQueueFactory.Create(queueTarget, PtiQueues.Completed), MessageQueueFactory.Create(queueTarget, PtiQueues.Poison),
                    services.GetRequiredService<ILoggerFactory>().CreateLogger<PtiCompletionListener>())));
            }

            var app = builder.Build();
            var errors = app.Services.GetRequiredService<ErrorMiddleware>();
            var keys = new ApiKeyCheck(options.ApiKey);
            app.Use((context, next) => errors.InvokeAsync(context, next));
            app.Use((context, next) => keys.InvokeAsync(context, next));
            app.Services.GetRequiredService<EditEndpoints>().Map(app);

            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<StitchServer>();
            Logs.Resumed(logger, (await host.ResumeUnfinishedAsync(cancellationToken).ConfigureAwait(false)).Count);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = new Uri(app.Urls.First().TrimEnd('/') + "/");
            Logs.Listening(logger, address, store.Location);
            return new StitchServer(app, catalog, resources, host, store, address);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            resources.Dispose();
            catalog.Dispose();
            throw;
        }
    }

    /// <summary>Completes when the server stops (Ctrl+C through the token, or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Host.DisposeAsync().ConfigureAwait(false);
        _resources.Dispose();
        _catalog.Dispose();
    }
}
