using System.Text.Json.Nodes;
using ServerlessStitch.Torch;

namespace ServerlessStitch.Models.Tests;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("catalog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CheckAll_DemoSet_EveryContractHolds()
    {
        using var catalog = new ModelCatalog(ModelManifest.Load(Repository.DemoManifest));

        var report = new ModelContractChecker(catalog).CheckAll();

        foreach (string contract in new[] { "generator", "encoder", "segmenter", "landmarks", "perceptual", "identity", "attributes", "direction smile", "direction age" })
        {
            Assert.Contains(report, line => line.StartsWith(contract, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Get_SameFileTwice_LoadsOnce()
    {
        using var catalog = new ModelCatalog(ModelManifest.Load(Repository.DemoManifest));
        long before = torch.live_module_count();

        var first = catalog.Get(catalog.Manifest.Models.Encoder);
        var second = catalog.Get(catalog.Manifest.Models.Encoder);

        Assert.Same(first, second);
        Assert.Equal(before + 1, torch.live_module_count());
    }

    [Fact]
    public void Get_TamperedFile_RefusedNamingFileAndExpectedHash()
    {
        var manifest = ModelManifest.Load(Repository.DemoManifest);
        string tampered = Path.Combine(_dir, "encoder.pt");
        byte[] bytes = File.ReadAllBytes(manifest.PathOf(manifest.Models.Encoder));
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(tampered, bytes);
        var bad = manifest with { Models = manifest.Models with { Encoder = manifest.Models.Encoder with { File = tampered } } };
        using var catalog = new ModelCatalog(bad);

        var error = Assert.Throws<ModelIntegrityException>(() => catalog.Get(bad.Models.Encoder));

        Assert.Contains(tampered, error.Message, StringComparison.Ordinal);
        Assert.Contains(manifest.Models.Encoder.Sha256, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAll_GeneratorWithWrongResolution_NamesContractAndShapes()
    {
        var node = JsonNode.Parse(File.ReadAllText(Repository.DemoManifest))!;
        int resolution = node["models"]!["generator"]!["resolution"]!.GetValue<int>();
        node["models"]!["generator"]!["resolution"] = resolution * 2;
        using var catalog = new ModelCatalog(ModelManifest.Load(WriteWithAbsolutePaths(node)));

        var error = Assert.Throws<ModelContractException>(() => new ModelContractChecker(catalog).CheckAll());

        Assert.Equal("generator", error.Contract);
        Assert.Contains($"expected [2, 3, {resolution * 2}, {resolution * 2}]", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes an edited copy of the demo manifest to the temp folder, pointing at the committed model files.</summary>
    private string WriteWithAbsolutePaths(JsonNode manifest)
    {
        string modelsDir = Path.GetDirectoryName(Repository.DemoManifest)!;
        foreach (string section in new[] { "models", "directions" })
        {
            foreach (var (_, entry) in manifest[section]!.AsObject())
            {
                entry!["file"] = Path.Combine(modelsDir, entry["file"]!.GetValue<string>());
            }
        }
        string path = Path.Combine(_dir, "manifest.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }
}
