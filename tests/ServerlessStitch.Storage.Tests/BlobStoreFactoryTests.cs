namespace ServerlessStitch.Storage.Tests;

public sealed class BlobStoreFactoryTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("factory-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Create_NoConnectionString_IsTheFilesystemStoreAtRootPath()
    {
        string root = Path.Combine(_root.FullName, ".stitch");

        IBlobStore store = BlobStoreFactory.Create(new BlobStoreOptions { RootPath = root });

        Assert.IsType<FileSystemBlobStore>(store);
        Assert.Equal(root, store.Location);
    }

    [Fact]
    public void Create_FolderPath_IsTheFilesystemStoreThere()
    {
        IBlobStore store = BlobStoreFactory.Create(Path.Combine(_root.FullName, "blobs"));

        Assert.IsType<FileSystemBlobStore>(store);
        Assert.Equal(Path.Combine(_root.FullName, "blobs"), store.Location);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", "http://127.0.0.1:10000/devstoreaccount1")]
    [InlineData("https://stitchdata.blob.core.windows.net/", "https://stitchdata.blob.core.windows.net")]
    [InlineData("https://stitchdata.blob.core.windows.net/jobs?sv=2021-12-02&sr=c&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=abc%3D", "https://stitchdata.blob.core.windows.net")]
    public void Create_ConnectionStringOrUrl_IsTheAzureStoreOnThatEndpoint(string target, string endpoint)
    {
        IBlobStore store = BlobStoreFactory.Create(target);

        using var azure = Assert.IsType<AzureBlobStore>(store);
        Assert.Equal(endpoint, azure.Location);
    }
}
