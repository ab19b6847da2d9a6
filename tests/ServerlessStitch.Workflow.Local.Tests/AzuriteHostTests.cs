using ServerlessStitch.Storage;
using ServerlessStitch.Storage.Testing;

namespace ServerlessStitch.Workflow.Local.Tests;

/// <summary>One Azurite for the host tests that run on it: started once, stopped at the end.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteProcess Azurite { get; private set; } = null!;

    public AzureBlobStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteProcess.StartAsync();
        Store = new AzureBlobStore(Azurite.BlobEndpoint, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage));
    }

    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}

/// <summary>The same host tests on Azure Blob storage (Azurite): If-Match status updates, create-only history, paged listing.</summary>
public sealed class AzuriteHostTests(AzuriteFixture azurite) : HostTests, IClassFixture<AzuriteFixture>
{
    protected override IBlobStore Store => azurite.Store;
}
