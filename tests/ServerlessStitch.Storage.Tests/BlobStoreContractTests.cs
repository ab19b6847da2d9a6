using System.Security.Cryptography;

namespace ServerlessStitch.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IBlobStore"/> must have. Each store runs this same suite through a derived class;
/// each test uses its own fresh container.
/// </summary>
public abstract class BlobStoreContractTests : IAsyncLifetime
{
    protected abstract IBlobStore Store { get; }

    protected string Container { get; } = "t" + Guid.NewGuid().ToString("N")[..24];

    public virtual Task InitializeAsync() => Store.CreateContainerIfNotExistsAsync(Container);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private sealed record JobRequest(string Edit, double Step, int[] Frames);

    [Fact]
    public async Task WriteJson_ThenReadJson_RoundTripsTheRecord()
    {
        var request = new JobRequest("+smile", 1.5, [0, 1, 2]);

        BlobProperties written = await Store.WriteJsonAsync(Container, "job1/job.json", request, condition: BlobCondition.IfNoneExists);
        JobRequest read = await Store.ReadJsonAsync<JobRequest>(Container, "job1/job.json");

        Assert.Equal("application/json", written.ContentType);
        Assert.Equal(request.Edit, read.Edit);
        Assert.Equal(request.Step, read.Step);
        Assert.Equal(request.Frames, read.Frames);
    }

    [Fact]
    public async Task ReadJson_NotJson_ThrowsJsonExceptionNamingTheBlob()
    {
        await Store.WriteBytesAsync(Container, "job1/video.json", "not json at all"u8.ToArray());

        var error = await Assert.ThrowsAsync<System.Text.Json.JsonException>(() => Store.ReadJsonAsync<JobRequest>(Container, "job1/video.json"));

        Assert.Contains("job1/video.json", error.Message, StringComparison.Ordinal);
    }

    protected static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task WriteBytes_ThenRead_RoundTripsContentAndProperties()
    {
        byte[] content = RandomBytes(100_000, seed: 1);
        var options = new BlobWriteOptions
        {
            ContentType = "application/json",
            Metadata = new Dictionary<string, string> { ["Stage"] = "pti", ["frames"] = "42" },
        };

        BlobProperties written = await Store.WriteBytesAsync(Container, "jobs/a/job.json", content, options);
        BlobDownload download = await Store.OpenReadAsync(Container, "jobs/a/job.json");
        using var copy = new MemoryStream();
        await using (download)
        {
            await download.Content.CopyToAsync(copy);
        }

        Assert.Equal(content, copy.ToArray());
        string expectedMd5 = ContentMd5Of(content);
        foreach (BlobProperties properties in new[] { written, download.Properties, await Store.GetPropertiesAsync(Container, "jobs/a/job.json") })
        {
            Assert.Equal("jobs/a/job.json", properties.Name);
            Assert.Equal(content.Length, properties.Length);
            Assert.Equal(written.ETag, properties.ETag);
            Assert.Equal("application/json", properties.ContentType);
            Assert.Equal(expectedMd5, properties.ContentMd5);
            Assert.Equal("pti", properties.Metadata["stage"]);
            Assert.Equal("42", properties.Metadata["frames"]);
        }
    }

    [Fact]
    public async Task WriteBytes_EmptyContent_RoundTripsAsEmptyBlob()
    {
        await Store.WriteBytesAsync(Container, "empty", Array.Empty<byte>());

        Assert.Empty(await Store.ReadBytesAsync(Container, "empty"));
        Assert.Equal(0, (await Store.GetPropertiesAsync(Container, "empty")).Length);
    }

    [Fact]
    public async Task WriteBytes_ReplacingABlob_ChangesETagAndContent()
    {
        BlobProperties first = await Store.WriteBytesAsync(Container, "state.json", "one"u8.ToArray());
        BlobProperties second = await Store.WriteBytesAsync(Container, "state.json", "two"u8.ToArray());

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("two"u8.ToArray(), await Store.ReadBytesAsync(Container, "state.json"));
        Assert.Equal(second.ETag, (await Store.GetPropertiesAsync(Container, "state.json")).ETag);
    }

    [Fact]
    public async Task ReadBytes_Ranges_ReturnExactlyThoseBytes()
    {
        byte[] content = RandomBytes(10_000, seed: 2);
        await Store.WriteBytesAsync(Container, "frames/000.chunk", content);

        Assert.Equal(content[1000..1500], await Store.ReadBytesAsync(Container, "frames/000.chunk", new BlobRange(1000, 500)));
        Assert.Equal(content[9990..], await Store.ReadBytesAsync(Container, "frames/000.chunk", new BlobRange(9990)));
        Assert.Equal(content[9000..], await Store.ReadBytesAsync(Container, "frames/000.chunk", new BlobRange(9000, 5000)));
        Assert.Empty(await Store.ReadBytesAsync(Container, "frames/000.chunk", new BlobRange(20_000, 10)));

        BlobDownload ranged = await Store.OpenReadAsync(Container, "frames/000.chunk", new BlobRange(10, 10));
        await using (ranged)
        {
            Assert.Equal(content.Length, ranged.Properties.Length);
        }
    }

    [Fact]
    public async Task Read_MissingBlob_ThrowsBlobNotFoundAndExistsIsFalse()
    {
        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(Container, "nothing/here.bin"));
        Assert.Contains("nothing/here.bin", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.GetPropertiesAsync(Container, "nothing/here.bin"));
        Assert.False(await Store.ExistsAsync(Container, "nothing/here.bin"));
        Assert.False(await Store.ExistsAsync("missing-container", "x"));
    }

    [Fact]
    public async Task Write_MissingContainer_ThrowsContainerNotFoundNamingIt()
    {
        var error = await Assert.ThrowsAsync<ContainerNotFoundException>(() => Store.WriteBytesAsync("no-such-container", "a.bin", new byte[10]));
        Assert.Contains("no-such-container", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateContainer_Twice_IsAccepted()
    {
        await Store.CreateContainerIfNotExistsAsync(Container);
        await Store.WriteBytesAsync(Container, "a", new byte[1]);
        await Store.CreateContainerIfNotExistsAsync(Container);

        Assert.True(await Store.ExistsAsync(Container, "a"));
    }

    [Fact]
    public async Task Write_IfNoneExists_OnExistingBlob_ThrowsAndKeepsContent()
    {
        await Store.WriteBytesAsync(Container, "output.mp4", "original"u8.ToArray());

        var error = await Assert.ThrowsAsync<BlobAlreadyExistsException>(() =>
            Store.WriteBytesAsync(Container, "output.mp4", "intruder"u8.ToArray(), new BlobWriteOptions { Condition = BlobCondition.IfNoneExists }));

        Assert.Contains("output.mp4", error.Message, StringComparison.Ordinal);
        Assert.Equal("original"u8.ToArray(), await Store.ReadBytesAsync(Container, "output.mp4"));
    }

    [Fact]
    public async Task Write_IfNoneExists_ConcurrentWriters_ExactlyOneWins()
    {
        const int Writers = 8;
        var attempts = Enumerable.Range(0, Writers).Select(async i =>
        {
            byte[] content = RandomBytes(300_000 + i, seed: 100 + i);
            try
            {
                await Store.WriteBytesAsync(Container, "race/lease.json", content, new BlobWriteOptions { Condition = BlobCondition.IfNoneExists });
                return content;
            }
            catch (BlobAlreadyExistsException)
            {
                return null;
            }
        }).ToList();

        byte[]?[] results = await Task.WhenAll(attempts);

        byte[] winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(winner, await Store.ReadBytesAsync(Container, "race/lease.json"));
    }

    [Fact]
    public async Task Write_IfMatch_CurrentETag_Replaces()
    {
        BlobProperties first = await Store.WriteBytesAsync(Container, "report.json", "v1"u8.ToArray());

        BlobProperties second = await Store.WriteBytesAsync(Container, "report.json", "v2"u8.ToArray(), new BlobWriteOptions { Condition = BlobCondition.IfMatch(first.ETag) });

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("v2"u8.ToArray(), await Store.ReadBytesAsync(Container, "report.json"));
    }

    [Fact]
    public async Task Write_IfMatch_StaleETag_ThrowsPreconditionFailedAndKeepsContent()
    {
        BlobProperties first = await Store.WriteBytesAsync(Container, "report.json", "v1"u8.ToArray());
        await Store.WriteBytesAsync(Container, "report.json", "v2"u8.ToArray());

        var error = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() =>
            Store.WriteBytesAsync(Container, "report.json", "v3"u8.ToArray(), new BlobWriteOptions { Condition = BlobCondition.IfMatch(first.ETag) }));

        Assert.IsNotType<BlobAlreadyExistsException>(error);
        Assert.Contains(first.ETag, error.Message, StringComparison.Ordinal);
        Assert.Equal("v2"u8.ToArray(), await Store.ReadBytesAsync(Container, "report.json"));
    }

    [Fact]
    public async Task Write_IfMatch_MissingBlob_ThrowsPreconditionFailedAndCreatesNothing()
    {
        await Assert.ThrowsAsync<BlobPreconditionFailedException>(() =>
            Store.WriteBytesAsync(Container, "gone.json", "v"u8.ToArray(), new BlobWriteOptions { Condition = BlobCondition.IfMatch("\"0x1234\"") }));

        Assert.False(await Store.ExistsAsync(Container, "gone.json"));
    }

    [Fact]
    public async Task OpenWrite_BeforeCommit_ReadersSeeThePreviousVersion()
    {
        await Store.WriteBytesAsync(Container, "latents/w.bin", "old"u8.ToArray());
        byte[] next = RandomBytes(3 * 1024 * 1024 + 17, seed: 3);

        BlobWriteStream writer = await Store.OpenWriteAsync(Container, "latents/w.bin");
        await using (writer)
        {
            await writer.WriteAsync(next);
            Assert.Equal("old"u8.ToArray(), await Store.ReadBytesAsync(Container, "latents/w.bin"));

            await writer.CommitAsync();
        }

        Assert.Equal(next, await Store.ReadBytesAsync(Container, "latents/w.bin"));
    }

    [Fact]
    public async Task OpenRead_DuringConcurrentReplacements_EveryReadIsOneWholeVersion()
    {
        const int Versions = 40;
        static byte[] Content(int version) => Enumerable.Repeat((byte)version, 1000 + version).ToArray();
        static BlobWriteOptions Tagged(int version) => new() { Metadata = new Dictionary<string, string> { ["version"] = $"{version}" } };
        await Store.WriteBytesAsync(Container, "status.json", Content(0), Tagged(0));
        using var writing = new CancellationTokenSource();

        async Task<int> ReadUntilWritesEndAsync()
        {
            int reads = 0;
            while (!writing.IsCancellationRequested)
            {
                BlobDownload download = await Store.OpenReadAsync(Container, "status.json");
                await using (download)
                {
                    using var copy = new MemoryStream();
                    await download.Content.CopyToAsync(copy);
                    int version = int.Parse(download.Properties.Metadata["version"], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(Content(version), copy.ToArray());
                    Assert.Equal(copy.Length, download.Properties.Length);
                }

                reads++;
            }

            return reads;
        }

        Task<int>[] readers = [ReadUntilWritesEndAsync(), ReadUntilWritesEndAsync()];
        for (int version = 1; version <= Versions; version++)
        {
            await Store.WriteBytesAsync(Container, "status.json", Content(version), Tagged(version));
        }

        await writing.CancelAsync();
        int[] reads = await Task.WhenAll(readers);
        Assert.All(reads, r => Assert.True(r > 0));
        Assert.Equal($"{Versions}", (await Store.GetPropertiesAsync(Container, "status.json")).Metadata["version"]);
    }

    [Fact]
    public async Task OpenWrite_DisposedWithoutCommit_LeavesNothing()
    {
        BlobWriteStream writer = await Store.OpenWriteAsync(Container, "aligned/000.chunk");
        await using (writer)
        {
            await writer.WriteAsync(RandomBytes(2 * 1024 * 1024 + 5, seed: 4));
        }

        Assert.False(await Store.ExistsAsync(Container, "aligned/000.chunk"));
        Assert.Empty(await ListNamesAsync(""));
    }

    [Fact]
    public async Task Write_CancelledMidStream_CommitsNothing()
    {
        using var cancellation = new CancellationTokenSource();
        var source = new CancellingStream(RandomBytes(4 * 1024 * 1024, seed: 5), cancelAfterBytes: 1536 * 1024, cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.WriteAsync(Container, "edited/000.chunk", source, cancellationToken: cancellation.Token));

        Assert.False(await Store.ExistsAsync(Container, "edited/000.chunk"));
    }

    [Fact]
    public async Task Write_LargeBlobInSeveralBlocks_RoundTrips()
    {
        byte[] content = RandomBytes(5 * 1024 * 1024 + 12_345, seed: 6);

        BlobProperties written = await Store.WriteAsync(Container, "pti/generator.pt", new MemoryStream(content));

        Assert.Equal(content.Length, written.Length);
        Assert.Equal(ContentMd5Of(content), written.ContentMd5);
        Assert.Equal(content, await Store.ReadBytesAsync(Container, "pti/generator.pt"));
        Assert.Equal(content[(3 * 1024 * 1024 - 10)..(3 * 1024 * 1024 + 10)], await Store.ReadBytesAsync(Container, "pti/generator.pt", new BlobRange(3 * 1024 * 1024 - 10, 20)));
    }

    [Fact]
    public async Task List_ByPrefix_ReturnsMatchesInOrdinalOrderAcrossPages()
    {
        var names = Enumerable.Range(0, 11).Select(i => $"job1/frames/{i:D3}.chunk")
            .Concat(["job1/video.json", "job10/frames/000.chunk", "job2/frames/000.chunk", "job1/frames-extra"])
            .ToList();
        foreach (string name in names)
        {
            await Store.WriteBytesAsync(Container, name, System.Text.Encoding.UTF8.GetBytes(name));
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), await ListNamesAsync(""));
        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"job1/frames/{i:D3}.chunk"), await ListNamesAsync("job1/frames/"));
        Assert.Equal(["job1/frames-extra", .. Enumerable.Range(0, 11).Select(i => $"job1/frames/{i:D3}.chunk")], await ListNamesAsync("job1/frames"));
        Assert.Equal(["job10/frames/000.chunk"], await ListNamesAsync("job10"));
        Assert.Empty(await ListNamesAsync("job3/"));

        BlobProperties listed = await Store.ListAsync(Container, "job1/video.json").SingleAsync();
        BlobProperties direct = await Store.GetPropertiesAsync(Container, "job1/video.json");
        Assert.Equal(direct.ETag, listed.ETag);
        Assert.Equal(direct.Length, listed.Length);
        Assert.Equal(direct.ContentMd5, listed.ContentMd5);
    }

    [Fact]
    public async Task List_MissingContainer_ThrowsContainerNotFound()
    {
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => Store.ListAsync("no-such-container").ToListAsync().AsTask());
    }

    [Fact]
    public async Task DeleteIfExists_ExistingThenMissing_ReturnsTrueThenFalse()
    {
        await Store.WriteBytesAsync(Container, "preview/strip.png", new byte[] { 1, 2, 3 });

        Assert.True(await Store.DeleteIfExistsAsync(Container, "preview/strip.png"));
        Assert.False(await Store.DeleteIfExistsAsync(Container, "preview/strip.png"));
        Assert.False(await Store.ExistsAsync(Container, "preview/strip.png"));
        Assert.Empty(await ListNamesAsync(""));
    }

    [Fact]
    public async Task Delete_FolderLikePrefix_LetsTheNameBecomeABlob()
    {
        await Store.WriteBytesAsync(Container, "a/b/c.bin", new byte[] { 1 });
        await Store.DeleteIfExistsAsync(Container, "a/b/c.bin");

        await Store.WriteBytesAsync(Container, "a/b", new byte[] { 2 });

        Assert.Equal(new byte[] { 2 }, await Store.ReadBytesAsync(Container, "a/b"));
    }

    [Theory]
    [InlineData("with space/file name.bin")]
    [InlineData("plus+sign/a+b=c&d.bin")]
    [InlineData("ünïcødé/日本語/😀 emoji.bin")]
    [InlineData("percent%20literal/%2F.bin")]
    [InlineData("quote'and\"double/#hash?query.bin")]
    public async Task Write_OddButValidNames_RoundTripAndList(string name)
    {
        byte[] content = System.Text.Encoding.UTF8.GetBytes(name);

        await Store.WriteBytesAsync(Container, name, content);

        Assert.Equal(content, await Store.ReadBytesAsync(Container, name));
        Assert.Equal([name], await ListNamesAsync(""));
        Assert.True(await Store.DeleteIfExistsAsync(Container, name));
    }

    [Theory]
    [InlineData("../escape.bin", "'..' segment")]
    [InlineData("jobs/../../etc/passwd", "'..' segment")]
    [InlineData("jobs/./x", "'.' segment")]
    [InlineData("jobs\\frames\\000.chunk", "backslash")]
    [InlineData("jobs/\u0000null", "control character U+0000")]
    [InlineData("jobs/new\nline", "control character U+000A")]
    [InlineData("jobs/\u001b[31mred", "control character U+001B")]
    [InlineData("/absolute", "starts with '/'")]
    [InlineData("trailing/", "ends with '/'")]
    [InlineData("double//slash", "empty segment")]
    [InlineData("", "is empty")]
    [InlineData("dot.", "ending with '.'")]
    public async Task Write_InvalidName_ThrowsInvalidBlobNameNamingTheRuleAndWritesNothing(string name, string rule)
    {
        var error = await Assert.ThrowsAsync<InvalidBlobNameException>(() => Store.WriteBytesAsync(Container, name, new byte[] { 1 }));

        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0000', error.Message);
        Assert.DoesNotContain('\u001b', error.Message);
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => Store.OpenReadAsync(Container, name));
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => Store.DeleteIfExistsAsync(Container, name));
        Assert.Empty(await ListNamesAsync(""));
    }

    [Fact]
    public async Task Write_OverlongName_ThrowsInvalidBlobName()
    {
        string name = string.Join('/', Enumerable.Repeat(new string('a', 200), 6));

        var error = await Assert.ThrowsAsync<InvalidBlobNameException>(() => Store.WriteBytesAsync(Container, name, new byte[] { 1 }));
        Assert.Contains("limit is 1024", error.Message, StringComparison.Ordinal);

        var segment = await Assert.ThrowsAsync<InvalidBlobNameException>(() => Store.WriteBytesAsync(Container, new string('b', 256), new byte[] { 1 }));
        Assert.Contains("255 UTF-8 bytes", segment.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("ab")]
    [InlineData("a--b")]
    [InlineData("../x")]
    public async Task CreateContainer_InvalidName_ThrowsInvalidBlobName(string container)
    {
        var error = await Assert.ThrowsAsync<InvalidBlobNameException>(() => Store.CreateContainerIfNotExistsAsync(container));
        Assert.Contains("Container name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_InvalidMetadata_ThrowsInvalidBlobNameAndWritesNothing()
    {
        var badKey = new BlobWriteOptions { Metadata = new Dictionary<string, string> { ["has-dash"] = "x" } };
        var badValue = new BlobWriteOptions { Metadata = new Dictionary<string, string> { ["ok"] = "line\nbreak" } };

        await Assert.ThrowsAsync<InvalidBlobNameException>(() => Store.WriteBytesAsync(Container, "m.bin", new byte[] { 1 }, badKey));
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => Store.WriteBytesAsync(Container, "m.bin", new byte[] { 1 }, badValue));
        Assert.False(await Store.ExistsAsync(Container, "m.bin"));
    }

    /// <summary>Content-MD5 as both services record it: an integrity checksum, not a security measure.</summary>
#pragma warning disable CA5351
    protected static string ContentMd5Of(byte[] content) => Convert.ToBase64String(MD5.HashData(content));
#pragma warning restore CA5351

    [Fact]
    public async Task Write_InvalidContentType_ThrowsArgumentExceptionAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.WriteBytesAsync(Container, "c.bin", new byte[] { 1 }, new BlobWriteOptions { ContentType = "not a media type" }));

        Assert.Contains("not a media type", error.Message, StringComparison.Ordinal);
        Assert.False(await Store.ExistsAsync(Container, "c.bin"));
    }

    protected async Task<List<string>> ListNamesAsync(string prefix)
        => await Store.ListAsync(Container, prefix).Select(b => b.Name).ToListAsync();

    /// <summary>A source that cancels the token once a given number of bytes has been read from it (a caller giving up mid-upload).</summary>
    private sealed class CancellingStream(byte[] content, int cancelAfterBytes, CancellationTokenSource cancellation) : MemoryStream(content)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= cancelAfterBytes)
            {
                await cancellation.CancelAsync();
            }

            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 256 * 1024)], cancellationToken);
        }
    }
}
