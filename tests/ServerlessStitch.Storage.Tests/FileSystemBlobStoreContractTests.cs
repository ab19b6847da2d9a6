namespace ServerlessStitch.Storage.Tests;

/// <summary>The contract against the embedded filesystem store in a fresh temporary folder.</summary>
public sealed class FileSystemBlobStoreContractTests : BlobStoreContractTests, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("fsstore-");

    public FileSystemBlobStoreContractTests() => Store = new FileSystemBlobStore(_root.FullName);

    protected override IBlobStore Store { get; }

    public void Dispose() => _root.Delete(recursive: true);
}
