using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Serve.Tests;

/// <summary>The server on its default store (the filesystem, no connection string) in --insecure-no-auth mode.</summary>
public sealed class FileSystemStoreTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("serve-fs-").FullName;
    private readonly BlobDropOptions _drop = new() { PollInterval = TimeSpan.FromMilliseconds(200) };
    private StitchServer _server = null!;

    public async Task InitializeAsync() => _server = await StitchServer.StartAsync(new ServeOptions
    {
        Port = 0,
        DataPath = _folder,
        AllowAnonymous = true,
        ModelsPath = TestMedia.Manifest,
        Drop = _drop,
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Start_NoConnectionString_UsesTheFilesystemStoreInDataPath()
    {
        Assert.IsType<FileSystemBlobStore>(_server.Store);
        Assert.Equal(Path.GetFullPath(_folder), Path.GetFullPath(_server.Store.Location));
    }

    [Fact]
    public async Task Status_InsecureNoAuthWithoutKey_IsServed()
    {
        using var client = new HttpClient { BaseAddress = _server.Address };

        using var response = await client.GetAsync("/api/edits/0123456789abcdef0123");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("InstanceNotFound", (await response.Content.ReadFromJsonAsync<ErrorBody>(JsonSerializerOptions.Web))!.Error);
    }

    [Fact]
    public async Task BlobDrop_UnknownEditInMetadata_MovedToVideosFailedAtOnce()
    {
        await _server.Store.CreateContainerIfNotExistsAsync("videos-in");
        await _server.Store.WriteBytesAsync("videos-in", "clip.mp4", Encoding.UTF8.GetBytes("not even a video"),
            new BlobWriteOptions { Metadata = new Dictionary<string, string> { [BlobDropWatcher.EditsMetadata] = "frown=2" } });

        var receipt = await DropReceipts.WaitForFinalAsync(_server.Store, _drop, "clip.mp4", TimeSpan.FromMinutes(5));
        Assert.Equal(DropReceipt.Failed, receipt.State);

        // The edits are checked before the video: the error names the edit, after one attempt.
        var failure = await _server.Store.ReadJsonAsync<DropFailure>("videos-failed", "clip.mp4.error.json", JsonSerializerOptions.Web);
        Assert.Equal("UnknownEdit", failure.Error);
        Assert.Contains("frown", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, failure.Attempts);
        Assert.False(await _server.Store.ExistsAsync("videos-in", "clip.mp4"));
    }
}
