using System.Collections.Concurrent;
using System.Security.Cryptography;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch.jit;

namespace ServerlessStitch.Models;

/// <summary>
/// Loads the manifest's models, each verified against its sha256 first, and keeps one loaded copy per
/// process keyed by that hash (DESIGN.md §2, layer 4), so many activities in one worker share a model.
/// Callers that train a model (PTI, stitching tuning) take a <c>clone()</c>; the cached copy stays pristine.
/// </summary>
public sealed class ModelCatalog : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ScriptModule>> _loaded = new(StringComparer.Ordinal);
    private readonly Device _device;

    public ModelCatalog(ModelManifest manifest, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        _device = device ?? torch.CPU;
    }

    public ModelManifest Manifest { get; }

    /// <summary>Where the models live (CPU unless the caller chose a device); tensors fed to them belong there too.</summary>
    public Device Device => _device;

    /// <summary>The loaded model for <paramref name="file"/>, in eval mode; shared, so do not train it.</summary>
    public ScriptModule Get(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var lazy = _loaded.GetOrAdd(file.Sha256.ToLowerInvariant(), _ => new Lazy<ScriptModule>(() => Load(file)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failed load is not cached: a restored file must load on the next call.
            _loaded.TryRemove(file.Sha256.ToLowerInvariant(), out _);
            throw;
        }
    }

    /// <summary>The edit direction named <paramref name="name"/>, verified against its sha256.</summary>
    public NpyArray Direction(string name)
    {
        var entry = Manifest.Direction(name);
        string path = Manifest.PathOf(entry);
        Verify(path, entry.Sha256);
        return NpyArray.Read(path);
    }

    /// <summary>Throws <see cref="ModelIntegrityException"/> unless the file's sha256 is <paramref name="expectedSha256"/>.</summary>
    public static void Verify(string path, string expectedSha256)
    {
        if (!File.Exists(path))
        {
            throw new ModelException($"Model file {path} does not exist; the manifest expects it with sha256 {expectedSha256}.");
        }
        string actual = Sha256Of(path);
        if (!actual.Equals(expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelIntegrityException(path, expectedSha256, actual);
        }
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private ScriptModule Load(ModelFile file)
    {
        string path = Manifest.PathOf(file);
        Verify(path, file.Sha256);
        try
        {
            var module = load(path, _device);
            module.eval();
            return module;
        }
        catch (TorchException e)
        {
            throw new ModelException($"Model file {path} matches its sha256 but libtorch cannot load it: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _loaded.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Dispose();
        }
        _loaded.Clear();
    }
}
