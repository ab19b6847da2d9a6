using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using ServerlessStitch.Storage.Testing;

namespace ServerlessStitch.Storage.Tests;

/// <summary>What only the Azure store has: blocks, SAS, keys, endpoints and outages, against a real Azurite.</summary>
[Collection(AzuriteShared.Name)]
public sealed class AzureBlobStoreTests(AzuriteFixture fixture) : IAsyncLifetime, IDisposable
{
    private readonly AzureBlobStore _store = fixture.CreateStore();
    private readonly string _container = "t" + Guid.NewGuid().ToString("N")[..24];

    public Task InitializeAsync() => _store.CreateContainerIfNotExistsAsync(_container);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Write_LargerThanOneBlock_CommitsOneBlockPerBlockSize()
    {
        byte[] content = new byte[(int)(4.5 * 1024 * 1024)];
        new Random(7).NextBytes(content);

        await _store.WriteAsync(_container, "pti/generator.pt", new MemoryStream(content));

        XElement blockList = await GetCommittedBlockListAsync("pti/generator.pt");
        var sizes = blockList.Element("CommittedBlocks")!.Elements("Block").Select(b => long.Parse(b.Element("Size")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([1048576, 1048576, 1048576, 1048576, 524288], sizes);
        Assert.Equal(content, await _store.ReadBytesAsync(_container, "pti/generator.pt"));
    }

    [Fact]
    public async Task Write_WithinSingleUploadLimit_IsOnePutBlobWithoutBlocks()
    {
        await _store.WriteBytesAsync(_container, "small.json", new byte[1000]);

        XElement blockList = await GetCommittedBlockListAsync("small.json");
        Assert.Empty(blockList.Element("CommittedBlocks")?.Elements("Block") ?? []);
    }

    [Fact]
    public async Task ContainerSas_ReadWriteList_WorksOnlyForItsContainer()
    {
        Uri sasUri = ContainerSas.CreateUri(fixture.Azurite.BlobEndpoint, StorageSharedKeyCredential.DevelopmentStorage, _container,
            ContainerSasPermissions.Read | ContainerSasPermissions.Write | ContainerSasPermissions.Create | ContainerSasPermissions.List | ContainerSasPermissions.Delete,
            DateTimeOffset.UtcNow.AddHours(1));
        using AzureBlobStore sasStore = AzureBlobStore.FromSasUri(sasUri, AzuriteFixture.TestOptions());
        string other = "o" + Guid.NewGuid().ToString("N")[..24];
        await _store.CreateContainerIfNotExistsAsync(other);

        await sasStore.WriteBytesAsync(_container, "with space/ünï+code.bin", "via sas"u8.ToArray());
        await sasStore.WriteAsync(_container, "big.bin", new MemoryStream(new byte[3 * 1024 * 1024]));

        Assert.Equal("via sas"u8.ToArray(), await _store.ReadBytesAsync(_container, "with space/ünï+code.bin"));
        Assert.Equal(["big.bin", "with space/ünï+code.bin"], await sasStore.ListAsync(_container).Select(b => b.Name).ToListAsync());
        var denied = await Assert.ThrowsAsync<StorageAccessDeniedException>(() => sasStore.WriteBytesAsync(other, "x.bin", new byte[1]));
        Assert.Contains(other, denied.Message, StringComparison.Ordinal);
        Assert.False(await _store.ExistsAsync(other, "x.bin"));
    }

    [Fact]
    public async Task ContainerSas_ReadOnly_RefusesWrites()
    {
        await _store.WriteBytesAsync(_container, "video.json", "{}"u8.ToArray());
        Uri sasUri = ContainerSas.CreateUri(fixture.Azurite.BlobEndpoint, StorageSharedKeyCredential.DevelopmentStorage, _container, ContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));
        using AzureBlobStore readOnly = AzureBlobStore.FromSasUri(sasUri, AzuriteFixture.TestOptions());

        Assert.Equal("{}"u8.ToArray(), await readOnly.ReadBytesAsync(_container, "video.json"));
        await Assert.ThrowsAsync<StorageAccessDeniedException>(() => readOnly.WriteBytesAsync(_container, "video.json", "changed"u8.ToArray()));
        Assert.Equal("{}"u8.ToArray(), await _store.ReadBytesAsync(_container, "video.json"));
    }

    [Fact]
    public async Task ContainerSas_Expired_IsDenied()
    {
        await _store.WriteBytesAsync(_container, "video.json", "{}"u8.ToArray());
        Uri sasUri = ContainerSas.CreateUri(fixture.Azurite.BlobEndpoint, StorageSharedKeyCredential.DevelopmentStorage, _container, ContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(-5));
        using AzureBlobStore expired = AzureBlobStore.FromSasUri(sasUri, AzuriteFixture.TestOptions());

        await Assert.ThrowsAsync<StorageAccessDeniedException>(() => expired.ReadBytesAsync(_container, "video.json"));
    }

    [Fact]
    public async Task SharedKey_WrongAccountKey_ThrowsAccessDeniedNamingTheFix()
    {
        var wrongKey = new StorageSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64]));
        using var store = new AzureBlobStore(fixture.Azurite.BlobEndpoint, new SharedKeyAuthorizer(wrongKey), AzuriteFixture.TestOptions());

        var error = await Assert.ThrowsAsync<StorageAccessDeniedException>(() => store.WriteBytesAsync(_container, "a.bin", new byte[1]));

        Assert.Contains("account key", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Equal(HttpStatusCode.Forbidden, ((HttpRequestException)error.InnerException!).StatusCode);
    }

    [Fact]
    public async Task AnyOperation_EndpointNotListening_ThrowsStorageUnavailableNamingEndpoint()
    {
        int closedPort = ClosedPort();
        var endpoint = new Uri($"http://127.0.0.1:{closedPort}/devstoreaccount1");
        using var store = new AzureBlobStore(endpoint, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), AzuriteFixture.TestOptions());

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.WriteBytesAsync(_container, "a.bin", new byte[10]));

        Assert.Contains($"127.0.0.1:{closedPort}", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("Azurite", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task Write_AzuriteStoppedMidUpload_ThrowsStorageUnavailableAndCommitsNoHalfBlob()
    {
        // Its own Azurite: stopping the shared one would break the other tests.
        await using AzuriteProcess azurite = await AzuriteProcess.StartAsync();
        using var store = new AzureBlobStore(azurite.BlobEndpoint, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), AzuriteFixture.TestOptions());
        await store.CreateContainerIfNotExistsAsync("jobs");
        await store.WriteBytesAsync("jobs", "job1/output.mp4", "previous version"u8.ToArray());
        byte[] next = new byte[12 * 1024 * 1024];
        new Random(8).NextBytes(next);
        using var stopped = new SemaphoreSlim(0);
        // Two uploads, a replacement and a new blob; the first to pass 4 MB stops Azurite, the other waits for that, then both carry on.
        var replacement = new CallbackStream(next, callbackAfterBytes: 4 * 1024 * 1024, async () => { await azurite.StopAsync(); stopped.Release(2); });
        var newBlob = new CallbackStream(new byte[8 * 1024 * 1024], callbackAfterBytes: 4 * 1024 * 1024, () => stopped.WaitAsync());

        Task replacing = store.WriteAsync("jobs", "job1/output.mp4", replacement);
        Task creating = store.WriteAsync("jobs", "job2/frames/000.chunk", newBlob);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => replacing);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => creating);
        Assert.Contains($"127.0.0.1:{azurite.BlobPort}", error.Message, StringComparison.Ordinal);
        Assert.True(replacement.CallbackRan && newBlob.CallbackRan);

        await azurite.RestartAsync();
        Assert.Equal("previous version"u8.ToArray(), await store.ReadBytesAsync("jobs", "job1/output.mp4"));
        Assert.False(await store.ExistsAsync("jobs", "job2/frames/000.chunk"));
        Assert.Equal(["job1/output.mp4"], await store.ListAsync("jobs").Select(b => b.Name).ToListAsync());
    }

    [Fact]
    public async Task FromConnectionString_AzuriteEndpoints_ReachesTheSameBlobs()
    {
        await _store.WriteBytesAsync(_container, "job.json", "{\"edit\":\"+smile\"}"u8.ToArray());

        IBlobStore viaFactory = BlobStoreFactory.Create(fixture.Azurite.ConnectionString);
        try
        {
            Assert.IsType<AzureBlobStore>(viaFactory);
            Assert.Equal("{\"edit\":\"+smile\"}"u8.ToArray(), await viaFactory.ReadBytesAsync(_container, "job.json"));
        }
        finally
        {
            ((IDisposable)viaFactory).Dispose();
        }
    }

    /// <summary>Get Block List through a raw request signed by <see cref="SharedKeySigner"/>: what the service really committed.</summary>
    private async Task<XElement> GetCommittedBlockListAsync(string name)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _store.BlobUri(_container, name, "comp=blocklist&blocklisttype=committed"));
        request.Headers.Add("x-ms-version", StorageHttpPipeline.ApiVersion);
        new SharedKeySigner(StorageSharedKeyCredential.DevelopmentStorage).Sign(request);
        using HttpResponseMessage response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return XElement.Parse(await response.Content.ReadAsStringAsync());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A source that runs a callback (stopping Azurite) once a given number of bytes has been read, then keeps serving data.</summary>
    private sealed class CallbackStream(byte[] content, int callbackAfterBytes, Func<Task> callback) : MemoryStream(content)
    {
        public bool CallbackRan { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!CallbackRan && Position >= callbackAfterBytes)
            {
                CallbackRan = true;
                await callback();
            }

            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 256 * 1024)], cancellationToken);
        }
    }
}
