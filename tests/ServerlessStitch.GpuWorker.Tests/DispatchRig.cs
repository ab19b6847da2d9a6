using System.Diagnostics;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Storage.Queues;
using ServerlessStitch.Storage.Testing;
using ServerlessStitch.Workflow;
using ServerlessStitch.Workflow.Activities;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;
using ServerlessStitch.Workflow.Tests;

namespace ServerlessStitch.GpuWorker.Tests;

/// <summary>
/// The local side of GPU dispatch on a real Azurite: the durable host runs the edit orchestration with
/// <see cref="PtiDispatch.Queue"/>, and the completion listener turns worker reports into events, as the Functions app
/// will. The workers are real child processes started by the tests.
/// </summary>
internal sealed class DispatchRig : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpu-worker-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private AzuriteProcess _azurite = null!;
    private ModelCatalog _catalog = null!;
    private JobResources _resources = null!;
    private Task _listening = Task.CompletedTask;

    public IBlobStore Store { get; private set; } = null!;
    public LocalWorkflowHost Host { get; private set; } = null!;
    public IMessageQueue Work { get; private set; } = null!;
    public IMessageQueue Completed { get; private set; } = null!;
    public IMessageQueue Poison { get; private set; } = null!;
    public string ConnectionString => _azurite.ConnectionString;

    public static async Task<DispatchRig> StartAsync()
    {
        var rig = new DispatchRig();
        rig._azurite = await AzuriteProcess.StartAsync(Path.Combine(rig._folder, "azurite"));
        rig.Store = BlobStoreFactory.Create(rig.ConnectionString);
        rig.Work = MessageQueueFactory.Create(rig.ConnectionString, PtiQueues.Work);
        rig.Completed = MessageQueueFactory.Create(rig.ConnectionString, PtiQueues.Completed);
        rig.Poison = MessageQueueFactory.Create(rig.ConnectionString, PtiQueues.Poison);
        await rig.Work.CreateIfNotExistsAsync();
        rig._catalog = new ModelCatalog(ModelManifest.Load(Repository.Manifest));
        rig._resources = new JobResources(rig.Store, rig._catalog);
        rig.Host = new LocalWorkflowHost(rig.Store, new WorkflowRegistry().AddEditWorkflow(rig._resources, rig.Work));
        var listener = new PtiCompletionListener(rig.Host, rig.Completed, rig.Poison) { PollInterval = TimeSpan.FromMilliseconds(100) };
        rig._listening = listener.RunAsync(rig._stop.Token);
        return rig;
    }

    /// <summary>Submits an 8-frame clip (two chunks) with <paramref name="pti"/> and starts its orchestration, PTI dispatched to the queue.</summary>
    public async Task<string> SubmitAsync(PtiOptionsFor pti)
    {
        string clip = Repository.ShortClip("calm.mp4", 8, 25, _folder);
        var request = new EditRequest
        {
            Edits = ["smile"],
            ChunkSize = 4,
            Pti = new() { Passes = pti.Passes, CheckpointEveryPasses = pti.CheckpointEvery, Seed = pti.Seed },
            Stitching = new() { Iterations = 10 },
        };
        string jobId = await new EditJobRunner(Store, _catalog).SubmitAsync(clip, request);
        await Host.StartAsync(EditOrchestration.OrchestrationName, jobId, new EditOrchestrationInput(jobId)
        {
            Pti = PtiDispatch.Queue,
            PtiTimeout = TimeSpan.FromMinutes(10),
            StitchBatchChunks = pti.StitchBatch,
            Retry = new RetryPolicyInput(1, TimeSpan.FromSeconds(1), 1),
        });
        return jobId;
    }

    /// <summary>Waits until the orchestration has queued its PTI work item.</summary>
    public async Task WaitForWorkItemAsync(string jobId)
    {
        var clock = Stopwatch.StartNew();
        while (await Work.ApproximateCountAsync() == 0)
        {
            var status = await Host.GetStatusAsync(jobId);
            Assert.False(status!.IsTerminal, $"the job ended before it queued PTI: {status.RuntimeStatus} {status.FailureReason}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the job never queued PTI");
            await Task.Delay(100);
        }
    }

    public Task<WorkflowStatus> WaitForCompletionAsync(string jobId, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return Host.WaitForCompletionAsync(jobId, cancel.Token);
    }

    public Task<PtiSummary> ReadSummaryAsync(string jobId) =>
        Store.ReadJsonAsync<PtiSummary>(JobPaths.Container, new JobPaths(jobId).PtiSummary, JobBlobs.Json);

    public Task<bool> CheckpointExistsAsync(string jobId) =>
        Store.ExistsAsync(JobPaths.Container, new JobPaths(jobId).Prefix + "pti/checkpoint/state.json");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listening;
        await Host.DisposeAsync();
        _resources.Dispose();
        _catalog.Dispose();
        await _azurite.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The PTI knobs a test varies (a different seed also makes a different job id), and stitching's batch on the worker (0 = in the host).</summary>
internal sealed record PtiOptionsFor(int Passes, int CheckpointEvery, ulong Seed, int StitchBatch = 0);
