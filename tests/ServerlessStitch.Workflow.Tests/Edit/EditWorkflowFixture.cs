using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Activities;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Workflow.Tests.Edit;

/// <summary>
/// One real edit, run once for the tests of its class: the first 12 frames of samples/calm.mp4, edit "smile", chunks
/// of 5 (the last one partial), PTI 6 passes, stitching 30 iterations, the edit orchestration on the local host over
/// the filesystem store, with the real activities. Records the calls issued, the spans and the metrics.
/// </summary>
public sealed class EditWorkflowFixture : IAsyncLifetime, IDisposable
{
    public const int Frames = 12;
    private readonly string _folder = Directory.CreateTempSubdirectory("wf-e2e-").FullName;
    private readonly ActivityListener _spans;
    private readonly MeterListener _metrics = new();

    public EditWorkflowFixture()
    {
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorkflowTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_spans);
        _metrics.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == WorkflowTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _metrics.SetMeasurementEventCallback<long>((i, v, tags, _) => Measurements.Enqueue((i.Name, v, Stage(tags))));
        _metrics.SetMeasurementEventCallback<double>((i, v, tags, _) => Measurements.Enqueue((i.Name, v, Stage(tags))));
        _metrics.Start();
    }

    public static EditRequest Request { get; } = new()
    {
        Edits = ["smile"],
        ChunkSize = 5,
        Pti = new() { Passes = 6 },
        Stitching = new() { Iterations = 30 },
    };

    public string Input { get; private set; } = "";
    public FileSystemBlobStore Store { get; private set; } = null!;
    public ModelCatalog Catalog { get; private set; } = null!;
    public string JobId { get; private set; } = "";
    public JobPaths Paths => new(JobId);
    public WorkflowStatus Status { get; private set; } = null!;
    public List<WorkflowCall> LiveCalls { get; } = [];
    public ConcurrentQueue<Activity> Spans { get; } = new();
    public ConcurrentQueue<(string Instrument, double Value, string? Stage)> Measurements { get; } = new();
    public TimeSpan Elapsed { get; private set; }

    public async Task InitializeAsync()
    {
        Input = Repository.ShortClip("calm.mp4", Frames, 25, _folder);
        Store = new FileSystemBlobStore(Path.Combine(_folder, "store"));
        Catalog = new ModelCatalog(ModelManifest.Load(Repository.Manifest));
        JobId = await new EditJobRunner(Store, Catalog).SubmitAsync(Input, Request);
        var clock = Stopwatch.StartNew();
        using var resources = new JobResources(Store, Catalog);
        await using var host = new LocalWorkflowHost(Store, new WorkflowRegistry().AddEditWorkflow(resources), new LocalWorkflowHostOptions
        {
            CallObserver = call => { lock (LiveCalls) { LiveCalls.Add(call); } },
        });
        await host.StartAsync(EditOrchestration.OrchestrationName, JobId, new EditOrchestrationInput(JobId) { Retry = new RetryPolicyInput(2, TimeSpan.FromSeconds(1), 2) });
        Status = await host.WaitForCompletionAsync(JobId);
        Elapsed = clock.Elapsed;
    }

    /// <summary>A host over the fixture's store with only the orchestration registered (no activity can run).</summary>
    public LocalWorkflowHost ReplayHost() => new(Store, new WorkflowRegistry().AddOrchestration(new EditOrchestration()));

    public async Task<string> DownloadAsync(string blob)
    {
        string path = Path.Combine(_folder, Path.GetFileName(blob));
        await new JobBlobs(Store, Paths).DownloadAsync(blob, path, CancellationToken.None);
        return path;
    }

    public void Dispose()
    {
        _spans.Dispose();
        _metrics.Dispose();
    }

    public Task DisposeAsync()
    {
        Catalog.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static string? Stage(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == WorkflowTelemetry.StageTag)
            {
                return tag.Value as string;
            }
        }
        return null;
    }
}
