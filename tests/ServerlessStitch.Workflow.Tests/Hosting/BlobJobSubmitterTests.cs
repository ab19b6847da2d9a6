using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Tests.Hosting;

/// <summary>The Azure triggers' submit: the real probe and job id on the filesystem store.</summary>
public sealed class BlobJobSubmitterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("blob-submit-").FullName;
    private readonly FileSystemBlobStore _store;
    private readonly ModelCatalog _catalog = new(ModelManifest.Load(Repository.Manifest));
    private readonly BlobJobSubmitter _submitter;

    public BlobJobSubmitterTests()
    {
        _store = new FileSystemBlobStore(Path.Combine(_folder, "store"));
        _submitter = new BlobJobSubmitter(_store, new EditJobRunner(_store, _catalog));
    }

    private async Task DropAsync(string name, string path)
    {
        await _store.CreateContainerIfNotExistsAsync("videos-in");
        await using var file = File.OpenRead(path);
        await _store.WriteAsync("videos-in", name, file);
    }

    [Fact]
    public async Task Submit_SameBlobTwiceAndUnderAnotherName_SameJobId_OtherEdits_AnotherId()
    {
        string clip = Path.Combine(Repository.Root, "samples", "calm.mp4");
        await DropAsync("a.mp4", clip);
        await DropAsync("copy/b.mp4", clip);
        var settings = new FunctionAppSettings();

        string first = await _submitter.SubmitAsync("videos-in", "a.mp4", settings.DropRequest(null));
        string again = await _submitter.SubmitAsync("videos-in", "a.mp4", settings.DropRequest(null));
        string copy = await _submitter.SubmitAsync("videos-in", "copy/b.mp4", settings.DropRequest(null));
        string older = await _submitter.SubmitAsync("videos-in", "a.mp4", settings.Request(["age"], null, null, null));

        Assert.Equal(first, again);
        Assert.Equal(first, copy);
        Assert.NotEqual(first, older);
        Assert.True(await _store.ExistsAsync(JobPaths.Container, new JobPaths(first).Request));
    }

    [Fact]
    public async Task Submit_NotAVideo_ThrowsMediaErrorNamingTheBlobNotTheTemporaryCopy()
    {
        string junk = Path.Combine(_folder, "junk.mp4");
        File.WriteAllText(junk, "this is not a video");
        await DropAsync("junk.mp4", junk);

        var e = await Assert.ThrowsAnyAsync<MediaException>(() => _submitter.SubmitAsync("videos-in", "junk.mp4", new FunctionAppSettings().DropRequest(null)));

        Assert.StartsWith("videos-in/junk.mp4: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("stitch-submit-", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _catalog.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
