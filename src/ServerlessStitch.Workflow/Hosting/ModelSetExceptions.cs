using ServerlessStitch.Models;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>A model set cannot be published or cached as laid out (a file outside its folder, a missing manifest).</summary>
public sealed class ModelSetLayoutException(string message, Exception? inner = null) : ModelException(message, inner);

/// <summary>A downloaded model file is not the one the manifest names: refused, and nothing is left in the cache under its name.</summary>
public sealed class ModelSetIntegrityException(string container, string blob, string expectedSha256, string actualSha256)
    : ModelException($"Model blob {container}/{blob} has sha256 {actualSha256} but its manifest expects {expectedSha256}; " +
                     "the blob is corrupt or was replaced: push the model set again (stitch models push).")
{
    public string Container { get; } = container;
    public string Blob { get; } = blob;
    public string ExpectedSha256 { get; } = expectedSha256;
    public string ActualSha256 { get; } = actualSha256;
}
