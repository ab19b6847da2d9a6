namespace ServerlessStitch.Storage.Tests;

/// <summary>What only the filesystem store has: plain files on disk, staging, and folder/file name clashes.</summary>
public sealed class FileSystemBlobStoreTests : IAsyncLifetime, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("fsstore-");
    private readonly FileSystemBlobStore _store;

    public FileSystemBlobStoreTests() => _store = new FileSystemBlobStore(_root.FullName);

    public Task InitializeAsync() => _store.CreateContainerIfNotExistsAsync("jobs");

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Write_CommittedBlob_IsAPlainFileAtItsNameAndStagingIsEmpty()
    {
        await _store.WriteBytesAsync("jobs", "job1/output.mp4", "mp4 bytes"u8.ToArray());

        Assert.Equal("mp4 bytes"u8.ToArray(), await File.ReadAllBytesAsync(Path.Combine(_root.FullName, "jobs", "job1", "output.mp4")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root.FullName, ".staging")));
    }

    [Fact]
    public async Task OpenWrite_Abandoned_LeavesNoStagingFile()
    {
        BlobWriteStream writer = await _store.OpenWriteAsync("jobs", "job1/aligned/000.chunk");
        await writer.WriteAsync(new byte[1000]);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_root.FullName, ".staging")));

        await writer.DisposeAsync();

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root.FullName, ".staging")));
        Assert.False(Directory.Exists(Path.Combine(_root.FullName, "jobs", "job1")));
    }

    [Fact]
    public async Task Write_NameBeneathAnExistingBlob_ThrowsInvalidBlobNameExplainingTheClash()
    {
        await _store.WriteBytesAsync("jobs", "job1/frames", new byte[] { 1 });

        var error = await Assert.ThrowsAsync<InvalidBlobNameException>(() => _store.WriteBytesAsync("jobs", "job1/frames/000.chunk", new byte[] { 2 }));

        Assert.Contains("'job1/frames' is a blob", error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 1 }, await _store.ReadBytesAsync("jobs", "job1/frames"));
    }

    [Fact]
    public async Task Write_NameOfAnExistingFolder_ThrowsInvalidBlobName()
    {
        await _store.WriteBytesAsync("jobs", "job1/frames/000.chunk", new byte[] { 1 });

        var error = await Assert.ThrowsAsync<InvalidBlobNameException>(() => _store.WriteBytesAsync("jobs", "job1/frames", new byte[] { 2 }));

        Assert.Contains("already a folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_SameRoot_KeepsETagAndMetadata()
    {
        BlobProperties written = await _store.WriteBytesAsync("jobs", "job1/job.json", "{}"u8.ToArray(),
            new BlobWriteOptions { ContentType = "application/json", Metadata = new Dictionary<string, string> { ["request"] = "abc" } });

        BlobProperties reopened = await new FileSystemBlobStore(_root.FullName).GetPropertiesAsync("jobs", "job1/job.json");

        Assert.Equal(written.ETag, reopened.ETag);
        Assert.Equal("application/json", reopened.ContentType);
        Assert.Equal("abc", reopened.Metadata["request"]);
    }

    [Fact]
    public async Task Write_IfNoneExists_WritersOnTwoStoreInstances_ExactlyOneWins()
    {
        var other = new FileSystemBlobStore(_root.FullName);
        var attempts = Enumerable.Range(0, 10).Select(async i =>
        {
            IBlobStore store = i % 2 == 0 ? _store : other;
            try
            {
                await store.WriteBytesAsync("jobs", "job1/claim", new[] { (byte)i }, new BlobWriteOptions { Condition = BlobCondition.IfNoneExists });
                return i;
            }
            catch (BlobAlreadyExistsException)
            {
                return -1;
            }
        });

        int[] results = await Task.WhenAll(attempts);

        int winner = Assert.Single(results, r => r >= 0);
        Assert.Equal(new[] { (byte)winner }, await _store.ReadBytesAsync("jobs", "job1/claim"));
    }

    [Fact]
    public async Task Write_ManySequentialReplacements_EveryETagIsNew()
    {
        var etags = new HashSet<string>();
        for (int i = 0; i < 50; i++)
        {
            // Same length each time: the ETag must not depend on the content changing size.
            Assert.True(etags.Add((await _store.WriteBytesAsync("jobs", "job1/state", new[] { (byte)i })).ETag));
        }
    }

    [Fact]
    public void Constructor_StagingFilesOlderThanADay_AreRemovedAndFreshOnesKept()
    {
        string staging = Path.Combine(_root.FullName, ".staging");
        string abandoned = Path.Combine(staging, "abandoned.tmp");
        string live = Path.Combine(staging, "live.tmp");
        File.WriteAllBytes(abandoned, new byte[10]);
        File.WriteAllBytes(live, new byte[10]);
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddDays(-2));

        _ = new FileSystemBlobStore(_root.FullName);

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public async Task Write_ContainerLockHeldByAnotherProcess_WaitsUntilItIsReleased()
    {
        // util-linux flock(1) takes the same exclusive flock the store takes, from a separate process.
        string lockFile = Path.Combine(_root.FullName, ".locks", "jobs.lock");
        var holder = new System.Diagnostics.ProcessStartInfo("flock", ["--exclusive", lockFile, "-c", "echo locked; read line"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(holder)!;
        Assert.Equal("locked", await process.StandardOutput.ReadLineAsync());

        Task<BlobProperties> write = _store.WriteBytesAsync("jobs", "job1/claim", new byte[] { 1 }, new BlobWriteOptions { Condition = BlobCondition.IfNoneExists });
        await Task.Delay(500);
        bool committedWhileLocked = write.IsCompleted || File.Exists(Path.Combine(_root.FullName, "jobs", "job1", "claim"));
        await process.StandardInput.WriteLineAsync();
        await process.WaitForExitAsync();
        await write;

        Assert.False(committedWhileLocked);
        Assert.Equal(new byte[] { 1 }, await _store.ReadBytesAsync("jobs", "job1/claim"));
    }
}
