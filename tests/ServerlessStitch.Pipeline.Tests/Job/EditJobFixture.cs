using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;

namespace ServerlessStitch.Pipeline.Tests.Job;

/// <summary>
/// What the submit tests share: the first 12 frames of samples/calm.mp4 and the demo model catalog. The job itself
/// runs as the edit orchestration; its end-to-end tests are in ServerlessStitch.Workflow.Tests.
/// </summary>
public sealed class EditJobFixture : IAsyncLifetime
{
    public const int Frames = 12;
    private readonly string _folder = Directory.CreateTempSubdirectory("edit-job-").FullName;

    public string Input { get; private set; } = "";
    public ModelCatalog Catalog { get; private set; } = null!;

    public static EditRequest Request { get; } = new()
    {
        Edits = ["smile"],
        ChunkSize = 5,
        Pti = new() { Passes = 6 },
        Stitching = new() { Iterations = 30 },
    };

    public Task InitializeAsync()
    {
        Input = ShortClip.Cut("calm.mp4", Frames, 25, _folder);
        Catalog = new ModelCatalog(ModelManifest.Load(Path.Combine(Repository.Root, "models", "manifest.json")));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Catalog.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
