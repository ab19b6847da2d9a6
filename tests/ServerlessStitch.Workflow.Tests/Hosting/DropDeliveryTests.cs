using System.Text;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Tests.Hosting;

/// <summary>A drop's two ends on the filesystem store: the video delivered under the drop's name, the blob moved with its reason.</summary>
public sealed class DropDeliveryTests : IDisposable
{
    private static readonly byte[] Video = Encoding.ASCII.GetBytes("....ftypisom, the job's output");
    private readonly string _folder = Directory.CreateTempSubdirectory("drop-delivery-").FullName;
    private readonly FileSystemBlobStore _store;
    private readonly DropDelivery _delivery;

    public DropDeliveryTests()
    {
        _store = new FileSystemBlobStore(_folder);
        _delivery = new DropDelivery(_store);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task DropAsync(string name)
    {
        await _store.CreateContainerIfNotExistsAsync("videos-in");
        await _store.WriteBytesAsync("videos-in", name, Encoding.ASCII.GetBytes("the dropped video"), new BlobWriteOptions
        {
            ContentType = "video/quicktime",
            Metadata = new Dictionary<string, string> { ["edits"] = "smile" },
        });
    }

    [Fact]
    public async Task DeliverOutput_CopiesTheJobsVideoUnderTheDropsNameTaggedWithTheJob()
    {
        await _store.CreateContainerIfNotExistsAsync(JobPaths.Container);
        await _store.WriteBytesAsync(JobPaths.Container, new JobPaths("job1").Output, Video);

        var delivered = await _delivery.DeliverOutputAsync("holiday/clip.mov", "job1");

        Assert.Equal(Video, await _store.ReadBytesAsync("videos-out", "holiday/clip.mov"));
        Assert.Equal("video/mp4", delivered.ContentType);
        Assert.Equal("job1", (await _store.GetPropertiesAsync("videos-out", "holiday/clip.mov")).Metadata[DropDelivery.JobIdMetadata]);
    }

    [Fact]
    public async Task DeliverOutput_JobWithoutOutput_ThrowsAndWritesNothing()
    {
        await _store.CreateContainerIfNotExistsAsync(JobPaths.Container);

        await Assert.ThrowsAsync<BlobNotFoundException>(() => _delivery.DeliverOutputAsync("clip.mp4", "job2"));
        Assert.False(await _store.ExistsAsync("videos-out", "clip.mp4"));
    }

    [Fact]
    public async Task MoveToFailed_KeepsTypeAndMetadataWritesTheReasonAndEmptiesTheInput()
    {
        await DropAsync("clip.mov");

        await _delivery.MoveToFailedAsync(new DropFailure("clip.mov", "JobFailed", "No face was found in any frame.", 1, "job3"));

        var moved = await _store.GetPropertiesAsync("videos-failed", "clip.mov");
        Assert.Equal("video/quicktime", moved.ContentType);
        Assert.Equal("smile", moved.Metadata["edits"]);
        Assert.Equal("the dropped video", Encoding.ASCII.GetString(await _store.ReadBytesAsync("videos-failed", "clip.mov")));
        var failure = await _store.ReadJsonAsync<DropFailure>("videos-failed", "clip.mov.error.json", DropDelivery.Json);
        Assert.Equal(new DropFailure("clip.mov", "JobFailed", "No face was found in any frame.", 1, "job3"), failure);
        Assert.False(await _store.ExistsAsync("videos-in", "clip.mov"));
    }

    [Fact]
    public async Task MoveToFailed_Again_KeepsTheMovedBlobAndRewritesTheReason()
    {
        await DropAsync("clip.mov");
        await _delivery.MoveToFailedAsync(new DropFailure("clip.mov", "JobFailed", "first", 1, "job4"));

        await _delivery.MoveToFailedAsync(new DropFailure("clip.mov", "JobFailed", "second", 2, "job4"));

        Assert.Equal("the dropped video", Encoding.ASCII.GetString(await _store.ReadBytesAsync("videos-failed", "clip.mov")));
        Assert.Equal("second", (await _store.ReadJsonAsync<DropFailure>("videos-failed", "clip.mov.error.json", DropDelivery.Json)).Message);
    }

    [Fact]
    public async Task MoveToFailed_BlobNowhere_ThrowsNamingItAndWritesNoReason()
    {
        await _store.CreateContainerIfNotExistsAsync("videos-in");

        var e = await Assert.ThrowsAsync<BlobNotFoundException>(() => _delivery.MoveToFailedAsync(new DropFailure("gone.mp4", "JobFailed", "x", 1, null)));

        Assert.Contains("videos-in/gone.mp4", e.Message, StringComparison.Ordinal);
        Assert.False(await _store.ExistsAsync("videos-failed", "gone.mp4.error.json"));
    }

    [Fact]
    public void RequestErrors_AreTheOnesNoRetryFixes_NamedWithoutTheExceptionSuffix()
    {
        var unknown = new UnknownEditException("frown", ["smile", "age"]);

        Assert.True(DropDelivery.IsRequestError(unknown));
        Assert.True(DropDelivery.IsRequestError(new ServerlessStitch.Media.MediaException("clip.mp4", "not a video")));
        Assert.False(DropDelivery.IsRequestError(new IOException("the store is unreachable")));
        Assert.Equal("UnknownEdit", DropDelivery.ErrorType(unknown));
        Assert.Equal("IO", DropDelivery.ErrorType(new IOException()));
    }
}
