using ServerlessStitch.Models;
using ServerlessStitch.Storage;
using ServerlessStitch.Storage.Testing;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Tests.Hosting;

/// <summary>One Azurite for the round-trip tests against Azure's blob API.</summary>
public sealed class AzuriteModelsFixture : IAsyncLifetime
{
    public AzuriteProcess Azurite { get; private set; } = null!;

    public async Task InitializeAsync() => Azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}

/// <summary><see cref="ModelSetPublisher"/> then <see cref="ModelSetCache"/>, on the filesystem store and on Azurite.</summary>
public sealed class ModelSetRoundTripTests(AzuriteModelsFixture fixture) : IClassFixture<AzuriteModelsFixture>, IDisposable
{
    private readonly TinyModelSet _set = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("model-cache-").FullName;

    public static TheoryData<string> Stores => ["filesystem", "azurite"];

    private IBlobStore Store(string kind) => kind == "azurite"
        ? BlobStoreFactory.Create(fixture.Azurite.ConnectionString)
        : BlobStoreFactory.Create(Path.Combine(_scratch, "store"));

    private string Cache => Path.Combine(_scratch, "cache");

    private static string NewContainer() => "models-" + Guid.NewGuid().ToString("N")[..12];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task PushThenEnsure_EveryFileByteIdenticalAndManifestLoads(string kind)
    {
        var store = Store(kind);
        string container = NewContainer();

        var pushed = await new ModelSetPublisher(store).PublishAsync(_set.ManifestPath, container, "demo-set");
        string manifest = await new ModelSetCache(store, container, Cache, "demo-set").EnsureAsync();

        Assert.Equal(_set.Files.Count, pushed.Uploaded);
        Assert.Equal("demo-set/manifest.json", pushed.ManifestBlob);
        Assert.Equal(Path.Combine(Cache, "manifest.json"), manifest);
        Assert.Equal(File.ReadAllBytes(_set.ManifestPath), File.ReadAllBytes(manifest));
        foreach (string file in _set.Files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_set.Folder, file)), File.ReadAllBytes(Path.Combine(Cache, file)));
        }
        var loaded = ModelManifest.Load(manifest);
        Assert.Equal(Path.Combine(Cache, "demo", "generator.pt"), loaded.PathOf(loaded.Models.Generator));
        Assert.Empty(Directory.EnumerateFiles(Cache, "*.partial-*", SearchOption.AllDirectories));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Ensure_TamperedBlob_ThrowsNamingItAndCachesNeitherItNorTheManifest(string kind)
    {
        var store = Store(kind);
        string container = NewContainer();
        await new ModelSetPublisher(store).PublishAsync(_set.ManifestPath, container);
        string victim = _set.Files[2];
        await store.WriteBytesAsync(container, victim, "not the model"u8.ToArray());

        var e = await Assert.ThrowsAsync<ModelSetIntegrityException>(() => new ModelSetCache(store, container, Cache).EnsureAsync());

        Assert.Equal(victim, e.Blob);
        Assert.Contains($"{container}/{victim}", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Cache, victim)));
        Assert.False(File.Exists(Path.Combine(Cache, "manifest.json")));
        Assert.Empty(Directory.EnumerateFiles(Cache, "*.partial-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Ensure_SecondTime_KeepsMatchingCachedFilesAndReplacesACorruptOne()
    {
        var store = Store("filesystem");
        string container = NewContainer();
        await new ModelSetPublisher(store).PublishAsync(_set.ManifestPath, container);
        var cache = new ModelSetCache(store, container, Cache);
        await cache.EnsureAsync();
        // A tampered blob whose cached copy still matches is not downloaded again: the cache is trusted by sha256.
        await store.WriteBytesAsync(container, _set.Files[0], "changed in the store"u8.ToArray());
        // A cached file corrupted on disk is fetched again.
        string corrupt = Path.Combine(Cache, _set.Files[1]);
        File.WriteAllText(corrupt, "bit rot");

        await cache.EnsureAsync();

        Assert.Equal(File.ReadAllBytes(Path.Combine(_set.Folder, _set.Files[0])), File.ReadAllBytes(Path.Combine(Cache, _set.Files[0])));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_set.Folder, _set.Files[1])), File.ReadAllBytes(corrupt));
    }

    [Fact]
    public async Task Push_SecondTime_UploadsOnlyTheManifest()
    {
        var store = Store("filesystem");
        string container = NewContainer();
        await new ModelSetPublisher(store).PublishAsync(_set.ManifestPath, container);

        var again = await new ModelSetPublisher(store).PublishAsync(_set.ManifestPath, container);

        Assert.Equal(0, again.Uploaded);
        Assert.Equal(_set.Files.Count, again.Unchanged);
    }

    [Fact]
    public async Task Push_CorruptLocalFile_RefusesBeforeWritingAnything()
    {
        var store = Store("filesystem");
        string container = NewContainer();
        File.AppendAllText(Path.Combine(_set.Folder, _set.Files[3]), "extra");

        var e = await Assert.ThrowsAsync<ModelIntegrityException>(() => new ModelSetPublisher(store).PublishAsync(_set.ManifestPath, container));

        Assert.EndsWith(_set.Files[3].Replace('/', Path.DirectorySeparatorChar), e.FilePath, StringComparison.Ordinal);
        await store.CreateContainerIfNotExistsAsync(container);
        Assert.False(await store.ExistsAsync(container, "manifest.json"));
        Assert.False(await store.ExistsAsync(container, _set.Files[0]));
    }

    [Fact]
    public async Task Ensure_NoManifestInContainer_SaysHowToPushOne()
    {
        var store = Store("filesystem");
        string container = NewContainer();
        await store.CreateContainerIfNotExistsAsync(container);

        var e = await Assert.ThrowsAsync<ModelSetLayoutException>(() => new ModelSetCache(store, container, Cache).EnsureAsync());

        Assert.Contains("stitch models push", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{container}/manifest.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_PathLeavingTheSetFolder_IsRefused()
    {
        string text = File.ReadAllText(_set.ManifestPath).Replace("\"demo/segmenter.pt\"", "\"../segmenter.pt\"", StringComparison.Ordinal);
        File.WriteAllText(_set.ManifestPath, text);

        var e = Assert.Throws<ModelSetLayoutException>(() => ModelSetFiles.Of(ModelManifest.Load(_set.ManifestPath)));

        Assert.Contains("../segmenter.pt", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _set.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }
}
