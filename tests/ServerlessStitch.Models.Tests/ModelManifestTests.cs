namespace ServerlessStitch.Models.Tests;

public sealed class ModelManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_DemoManifest_ResolvesEveryFileInsideModels()
    {
        var manifest = ModelManifest.Load(Repository.DemoManifest);

        Assert.Equal("demo", manifest.Name);
        foreach (var (contract, file) in manifest.Models.All())
        {
            string path = manifest.PathOf(file);
            Assert.True(File.Exists(path), $"{contract}: {path} missing");
            Assert.StartsWith(Path.Combine(Repository.Root, "models"), path, StringComparison.Ordinal);
        }
        Assert.Contains("smile", manifest.Directions.Keys);
        Assert.Contains("age", manifest.Directions.Keys);
    }

    [Fact]
    public void Load_InvalidJson_NamesTheFile()
    {
        string path = Write("{ \"version\": 1, ");

        var error = Assert.Throws<ModelManifestException>(() => ModelManifest.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingGenerator_NamesTheMissingField()
    {
        string path = Write("""{ "version": 1, "name": "x", "models": { } }""");

        var error = Assert.Throws<ModelManifestException>(() => ModelManifest.Load(path));

        Assert.Contains("generator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NewerVersion_Refused()
    {
        string demo = File.ReadAllText(Repository.DemoManifest);
        string path = Write(demo.Replace("\"version\": 1", "\"version\": 7", StringComparison.Ordinal));

        var error = Assert.Throws<ModelManifestException>(() => ModelManifest.Load(path));

        Assert.Contains("version 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Direction_UnknownName_ListsKnownEdits()
    {
        var manifest = ModelManifest.Load(Repository.DemoManifest);

        var error = Assert.Throws<UnknownEditException>(() => manifest.Direction("moustache"));

        Assert.Contains("'moustache'", error.Message, StringComparison.Ordinal);
        Assert.Contains("smile", error.Message, StringComparison.Ordinal);
        Assert.Contains("age", error.Message, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        string path = Path.Combine(_dir, "manifest.json");
        File.WriteAllText(path, json);
        return path;
    }
}
