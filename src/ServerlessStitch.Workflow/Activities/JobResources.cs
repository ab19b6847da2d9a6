using System.Collections.Concurrent;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Workflow.Activities;

/// <summary>
/// What the edit activities share in one process: the blob store, the model catalog (loaded once per process)
/// and, per job, its request, edit directions, scratch folder and PTI generator, opened on first use and released
/// by the final activity. Everything here can be rebuilt from the blobs, so a new process simply opens it again.
/// </summary>
public sealed class JobResources(IBlobStore store, ModelCatalog catalog, MediaLimits? limits = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<JobSession>>> _sessions = new(StringComparer.Ordinal);

    public IBlobStore Store { get; } = Check.NotNull(store);
    public ModelCatalog Catalog { get; } = Check.NotNull(catalog);
    public MediaLimits Limits { get; } = limits ?? MediaLimits.Default;

    /// <summary>
    /// Intra-op threads of each stitching chunk (<see cref="torch.thread_num_threads"/>); 0 = the process-wide count.
    /// Chunks run side by side, so a host running N activities at once gives each its share of the cores
    /// (<see cref="ThreadsPerActivity"/>): each libtorch team of all cores would fight the others for them.
    /// </summary>
    public int ChunkThreads
    {
        get => _chunkThreads;
        init => _chunkThreads = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(ChunkThreads), value, "Must not be negative.");
    }

    private readonly int _chunkThreads;

    /// <summary>The process-wide intra-op count shared out among <paramref name="parallelActivities"/> activities (at least 1 each).</summary>
    public static int ThreadsPerActivity(int parallelActivities) => Math.Max(1, get_num_threads() / Check.Positive(parallelActivities));

    /// <summary>The job's session, opened once per process (concurrent callers share it). Cancelling stops the first open.</summary>
    public async Task<JobSession> OpenAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var lazy = _sessions.GetOrAdd(jobId, id => new Lazy<Task<JobSession>>(() => JobSession.OpenAsync(this, id, cancellationToken)));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            // A failed open (a blob not there yet, a cancelled read) must not stick: the retry opens it again.
            _sessions.TryRemove(new(jobId, lazy));
            throw;
        }
    }

    /// <summary>Drops the job's session (its scratch folder and generator); called when the job is finished.</summary>
    public void Release(string jobId)
    {
        if (_sessions.TryRemove(jobId, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
        {
            lazy.Value.Result.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (string jobId in _sessions.Keys)
        {
            Release(jobId);
        }
    }
}

/// <summary>One job's per-process state: request, editor, scratch folder, and the PTI generator loaded from its blob.</summary>
public sealed class JobSession : IDisposable
{
    private readonly SemaphoreSlim _generatorLock = new(1, 1);
    private readonly ModelCatalog _catalog;
    private jit.ScriptModule? _generator;

    private JobSession(JobBlobs blobs, EditRequest request, LatentEditor editor, ModelCatalog catalog)
    {
        Blobs = blobs;
        Request = request;
        Editor = editor;
        _catalog = catalog;
        Workspace = new JobWorkspace(blobs.Paths.JobId);
    }

    public JobBlobs Blobs { get; }
    public EditRequest Request { get; }
    public LatentEditor Editor { get; }
    public JobWorkspace Workspace { get; }

    internal static async Task<JobSession> OpenAsync(JobResources resources, string jobId, CancellationToken cancellationToken)
    {
        var blobs = new JobBlobs(resources.Store, new JobPaths(jobId));
        var request = await blobs.ReadJsonAsync<EditRequest>(blobs.Paths.Request, cancellationToken).ConfigureAwait(false);
        return new JobSession(blobs, request, LatentEditor.Load(resources.Catalog, EditSpec.ParseAll(request.Edits)), resources.Catalog);
    }

    /// <summary>
    /// <c>pti/generator.pt</c>, loaded once per process per job. Stitch activities only call forward and clone on it,
    /// which libtorch allows from several threads.
    /// </summary>
    public async Task<jit.ScriptModule> GeneratorAsync(CancellationToken cancellationToken)
    {
        await _generatorLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _generator ??= await new PtiStage(Blobs, _catalog, Request).LoadGeneratorAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _generatorLock.Release();
        }
    }

    public async Task<VideoInfo> VideoAsync(CancellationToken cancellationToken) =>
        await Blobs.ReadJsonAsync<VideoInfo>(Blobs.Paths.Video, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<FrameRange>> ChunksAsync(CancellationToken cancellationToken) =>
        FrameRange.Split((await VideoAsync(cancellationToken).ConfigureAwait(false)).FrameCount, Request.ChunkSize);

    public void Dispose()
    {
        _generator?.Dispose();
        _generatorLock.Dispose();
        Workspace.Dispose();
    }
}
