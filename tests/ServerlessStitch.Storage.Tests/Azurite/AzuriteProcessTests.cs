using ServerlessStitch.Storage.Testing;

namespace ServerlessStitch.Storage.Tests;

/// <summary>
/// The test Azurite itself: the ports it reports are its own. (A restart keeping ports and data is covered by
/// AzureBlobStoreTests.Write_AzuriteStoppedMidUpload_ThrowsStorageUnavailableAndCommitsNoHalfBlob.)
/// </summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task TwoStartedAtOnce_EachServesBlobsOnTheDistinctPortsItReported()
    {
        AzuriteProcess[] azurites = await Task.WhenAll(AzuriteProcess.StartAsync(), AzuriteProcess.StartAsync());
        try
        {
            int[] ports = azurites.SelectMany(a => new[] { a.BlobPort, a.QueuePort, a.TablePort }).ToArray();
            Assert.All(ports, port => Assert.InRange(port, 1, 65535));
            Assert.Equal(ports.Length, ports.Distinct().Count());

            for (int i = 0; i < azurites.Length; i++)
            {
                using AzureBlobStore store = AzureBlobStore.FromConnectionString(azurites[i].ConnectionString, AzuriteFixture.TestOptions());
                await store.CreateContainerIfNotExistsAsync("own");
                await store.WriteBytesAsync("own", "which.txt", new[] { (byte)i });
            }

            for (int i = 0; i < azurites.Length; i++)
            {
                using AzureBlobStore store = AzureBlobStore.FromConnectionString(azurites[i].ConnectionString, AzuriteFixture.TestOptions());
                Assert.Equal([(byte)i], await store.ReadBytesAsync("own", "which.txt"));
            }
        }
        finally
        {
            await Task.WhenAll(azurites.Select(a => a.DisposeAsync().AsTask()));
        }
    }
}
