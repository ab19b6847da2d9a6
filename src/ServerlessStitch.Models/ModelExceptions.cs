namespace ServerlessStitch.Models;

/// <summary>Base of every model-set error: the message says which file and what to do.</summary>
public class ModelException : Exception
{
    public ModelException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The manifest itself is missing, unreadable or malformed.</summary>
public sealed class ModelManifestException(string path, string problem, Exception? inner = null)
    : ModelException($"Model manifest {path} {problem}.", inner)
{
    public string ManifestPath { get; } = path;
}

/// <summary>A model file's content is not the one the manifest names: refused before it is loaded.</summary>
public sealed class ModelIntegrityException(string path, string expectedSha256, string actualSha256)
    : ModelException($"Model file {path} has sha256 {actualSha256} but the manifest expects {expectedSha256}; " +
                     "the file is corrupt or was replaced: restore it (git checkout models/) or convert it again.")
{
    public string FilePath { get; } = path;
    public string ExpectedSha256 { get; } = expectedSha256;
}

/// <summary>A model file does not honour its contract (DESIGN.md §4): wrong method, shape or range.</summary>
public sealed class ModelContractException(string contract, string path, string problem, Exception? inner = null)
    : ModelException($"The {contract} model {path} breaks its contract: {problem}.", inner)
{
    public string Contract { get; } = contract;
}

/// <summary>An edit named something the model set has no direction for.</summary>
public sealed class UnknownEditException(string name, IEnumerable<string> known)
    : ModelException($"Unknown edit '{name}'. Known edits: {string.Join(", ", known.Order(StringComparer.Ordinal))}; " +
                     "or pass a direction file path (.npy).")
{
    public string Name { get; } = name;
}
