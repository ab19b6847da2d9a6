using System.Text.Json;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Serve.Tests;

/// <summary>
/// Waits for the blob-drop watcher's last word on a drop: its receipt in a final state. The watcher writes it after
/// every other blob of the drop (the delivered video, the error JSON, the input's removal), so a test that waits for
/// one of those instead can look before the drop is finished.
/// </summary>
internal static class DropReceipts
{
    public static async Task<DropReceipt> WaitForFinalAsync(IBlobStore store, BlobDropOptions drop, string blob, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        string name = blob + ".json";
        while (true)
        {
            if (await store.ExistsAsync(drop.ReceiptContainer, name, cancel.Token))
            {
                var receipt = await store.ReadJsonAsync<DropReceipt>(drop.ReceiptContainer, name, JsonSerializerOptions.Web, cancel.Token);
                if (receipt.State is DropReceipt.Done or DropReceipt.Failed)
                {
                    return receipt;
                }
            }
            await Task.Delay(200, cancel.Token);
        }
    }
}
