using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ServerlessStitch.Workflow.Tests.Hosting;

/// <summary>
/// The demo manifest with every file it names replaced by a few KB of random bytes (and their sha256), in a new
/// folder: a real manifest layout that is quick to push and fetch. Nothing here loads the files as models.
/// </summary>
internal sealed class TinyModelSet : IDisposable
{
    public TinyModelSet()
    {
        Folder = Directory.CreateTempSubdirectory("tiny-models-").FullName;
        var manifest = JsonNode.Parse(File.ReadAllText(Repository.Manifest))!.AsObject();
        int size = 1000;
        foreach (var group in new[] { "models", "directions" })
        {
            foreach (var (_, entry) in manifest[group]!.AsObject())
            {
                string relative = entry!["file"]!.GetValue<string>();
                byte[] bytes = RandomNumberGenerator.GetBytes(size += 517);
                string path = Path.Combine(Folder, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, bytes);
                entry["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
                Files.Add(relative);
            }
        }
        ManifestPath = Path.Combine(Folder, "manifest.json");
        File.WriteAllText(ManifestPath, manifest.ToJsonString());
    }

    public string Folder { get; }

    public string ManifestPath { get; }

    /// <summary>The relative paths of the model and direction files ('/' separated, as in the manifest).</summary>
    public List<string> Files { get; } = [];

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
