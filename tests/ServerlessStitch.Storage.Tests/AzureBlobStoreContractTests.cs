namespace ServerlessStitch.Storage.Tests;

/// <summary>The contract against the Blob REST client talking to a real Azurite.</summary>
[Collection(AzuriteShared.Name)]
public sealed class AzureBlobStoreContractTests(AzuriteFixture azurite) : BlobStoreContractTests, IDisposable
{
    private readonly AzureBlobStore _store = azurite.CreateStore();

    protected override IBlobStore Store => _store;

    public void Dispose() => _store.Dispose();
}
