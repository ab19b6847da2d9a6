using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Pipeline.Tests.Job;

/// <summary>
/// One real job, run once for the tests of this class: the first 12 frames of samples/calm.mp4, edit "smile", in
/// chunks of 5 (so the last chunk is partial), through the filesystem blob store. PTI and stitching tuning run
/// with reduced iteration counts (the figures' tests use counts where their assertions hold).
/// </summary>
public sealed class EditJobFixture : IAsyncLifetime
{
    public const int Frames = 12;
    private readonly string _folder = Directory.CreateTempSubdirectory("edit-job-").FullName;

    public string Input { get; private set; } = "";
    public FileSystemBlobStore Store { get; private set; } = null!;
    public ModelCatalog Catalog { get; private set; } = null!;
    public EditJobRunner Runner { get; private set; } = null!;
    public string JobId { get; private set; } = "";
    public JobPaths Paths => new(JobId);
    public JobReport Report { get; private set; } = null!;
    public List<StageProgress> Progress { get; } = [];

    public static EditRequest Request { get; } = new()
    {
        Edits = ["smile"],
        ChunkSize = 5,
        Pti = new() { Passes = 6 },
        Stitching = new() { Iterations = 30 },
    };

    public async Task InitializeAsync()
    {
        Input = ShortClip.Cut("calm.mp4", Frames, 25, _folder);
        Store = new FileSystemBlobStore(Path.Combine(_folder, "store"));
        Catalog = new ModelCatalog(ModelManifest.Load(Path.Combine(Repository.Root, "models", "manifest.json")));
        Runner = new EditJobRunner(Store, Catalog);
        JobId = await Runner.SubmitAsync(Input, Request);
        Report = await Runner.RunAsync(JobId, new SyncProgress<StageProgress>(Progress.Add));
    }

    public Task DisposeAsync()
    {
        Catalog.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A blob of the job copied to a local file (ffprobe reads files).</summary>
    public async Task<string> DownloadAsync(string blob)
    {
        string path = Path.Combine(_folder, Path.GetFileName(blob));
        await new JobBlobs(Store, Paths).DownloadAsync(blob, path, CancellationToken.None);
        return path;
    }
}
