using ServerlessStitch.Storage.Queues;
using ServerlessStitch.Storage.Testing;

namespace ServerlessStitch.Storage.Tests;

/// <summary>One Azurite for every test in the "Azurite" collection: started once, stopped at the end.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteProcess Azurite { get; private set; } = null!;

    /// <summary>
    /// Small blocks, small pages and quick retries so that a few MB exercise parallel block upload, a dozen blobs
    /// exercise paging, and a failure surfaces in seconds.
    /// </summary>
    public static AzureBlobStoreOptions TestOptions() => new()
    {
        BlockSize = 1024 * 1024,
        SingleUploadLimit = 1024 * 1024,
        MaxParallelBlockUploads = 4,
        ListPageSize = 4,
        Retry = new StorageRetryOptions { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(400) },
    };

    public AzureBlobStore CreateStore(AzureBlobStoreOptions? options = null)
        => new(Azurite.BlobEndpoint, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), options ?? TestOptions());

    /// <summary>A queue on this Azurite's queue endpoint, Shared Key signed, with the same quick retries.</summary>
    public AzureMessageQueue CreateQueue(string name)
        => new(Azurite.QueueEndpoint, name, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), TestOptions().Retry);

    public async Task InitializeAsync() => Azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AzuriteShared : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
