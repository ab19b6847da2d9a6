using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Pipeline.Tests.Job;

public sealed class EditJobRunnerTests(EditJobFixture job) : IClassFixture<EditJobFixture>
{
    [Fact]
    public async Task Submit_SameVideoAndRequestTwice_GivesTheSameJobAndStoresItOnce()
    {
        var store = new FileSystemBlobStore(Directory.CreateTempSubdirectory("edit-submit-").FullName);
        var runner = new EditJobRunner(store, job.Catalog);

        string id = await runner.SubmitAsync(job.Input, EditJobFixture.Request);
        var stored = await store.GetPropertiesAsync(JobPaths.Container, new JobPaths(id).Request);
        string again = await runner.SubmitAsync(job.Input, EditJobFixture.Request with { });

        Assert.Equal(id, again);
        Assert.Equal(stored.ETag, (await store.GetPropertiesAsync(JobPaths.Container, new JobPaths(id).Request)).ETag);
        Assert.True(await store.ExistsAsync(JobPaths.Container, new JobPaths(id).Input));
    }

    [Fact]
    public async Task UnknownEdit_IsRefusedBeforeAnythingIsWritten()
    {
        var store = new FileSystemBlobStore(Directory.CreateTempSubdirectory("edit-refused-").FullName);
        var runner = new EditJobRunner(store, job.Catalog);

        var error = await Assert.ThrowsAsync<UnknownEditException>(() => runner.SubmitAsync(job.Input, EditJobFixture.Request with { Edits = ["frown=1"] }));

        Assert.Contains("smile", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(store.Location, JobPaths.Container)), "the refused job left blobs behind");
    }

    [Fact]
    public async Task NotAVideo_IsRefusedNamingTheFileBeforeAnythingIsWritten()
    {
        var store = new FileSystemBlobStore(Directory.CreateTempSubdirectory("edit-refused-").FullName);
        string notAVideo = Path.Combine(store.Location, "notes.mp4");
        await File.WriteAllTextAsync(notAVideo, "not a video");

        var error = await Assert.ThrowsAsync<NotAVideoException>(() => new EditJobRunner(store, job.Catalog).SubmitAsync(notAVideo, EditJobFixture.Request));

        Assert.Contains(notAVideo, error.Message, StringComparison.Ordinal);
        Assert.Equal("not a video", await File.ReadAllTextAsync(notAVideo));
        Assert.False(Directory.Exists(Path.Combine(store.Location, JobPaths.Container)), "the refused job left blobs behind");
    }

    [Fact]
    public void JobId_DependsOnInputRequestAndModels()
    {
        string hash = new('a', 64);
        var models = job.Catalog.Manifest;
        string id = JobId.For(hash, EditJobFixture.Request, models);
        var retrained = models with { Directions = new Dictionary<string, DirectionEntry>(models.Directions) { ["smile"] = models.Direction("smile") with { Sha256 = new string('0', 64) } } };

        Assert.Equal(id, JobId.For(hash, EditJobFixture.Request with { }, models));
        Assert.NotEqual(id, JobId.For(hash, EditJobFixture.Request with { Edits = ["smile=1"] }, models));
        Assert.NotEqual(id, JobId.For(new string('b', 64), EditJobFixture.Request, models));
        Assert.NotEqual(id, JobId.For(hash, EditJobFixture.Request, retrained));
    }
}
