using System.Collections.Concurrent;
using System.Diagnostics;
using ServerlessStitch.Storage.Queues;

namespace ServerlessStitch.Storage.Tests.Queues;

/// <summary>What only the filesystem queue has: its layout beside the blob store, and consumers racing over one folder.</summary>
public sealed class FileSystemMessageQueueTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("fsqueue-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task TwoQueueInstancesOverOneFolder_RaceForOneMessage_ExactlyOneGetsIt()
    {
        var host = new FileSystemMessageQueue(_root.FullName, "gpu-work");
        await host.CreateIfNotExistsAsync();
        for (int round = 0; round < 20; round++)
        {
            await host.SendAsync($"job {round}");
            var workers = Enumerable.Range(0, 4).Select(_ => new FileSystemMessageQueue(_root.FullName, "gpu-work")).ToList();

            QueueMessage?[] received = await Task.WhenAll(workers.Select(w => Task.Run(() => w.ReceiveAsync(TimeSpan.FromMinutes(1)))));

            QueueMessage winner = Assert.Single(received, m => m is not null)!;
            Assert.Equal($"job {round}", winner.Text);
            await workers[0].DeleteAsync(winner);
        }
    }

    [Fact]
    public async Task Receive_WhileAnotherProcessHoldsTheQueueLock_WaitsUntilItIsReleased()
    {
        var queue = new FileSystemMessageQueue(_root.FullName, "gpu-work");
        await queue.CreateIfNotExistsAsync();
        await queue.SendAsync("job");

        // util-linux flock(1) (which creates the lock file) takes the same flock(2) lock .NET takes for FileShare.None: a stand-in for another worker process.
        var start = new ProcessStartInfo("flock", [Path.Combine(queue.Location, "queue.lock"), "-c", "echo locked; sleep 1"]) { RedirectStandardOutput = true };
        using Process holder = Process.Start(start)!;
        Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync());
        var waited = Stopwatch.StartNew();
        QueueMessage? received = await queue.ReceiveAsync(TimeSpan.FromMinutes(1));
        waited.Stop();
        await holder.WaitForExitAsync();

        Assert.Equal("job", received?.Text);
        Assert.True(waited.Elapsed > TimeSpan.FromSeconds(0.5), $"Receive took {waited.Elapsed.TotalMilliseconds} ms while another process held the lock for 1 s.");
    }

    [Fact]
    public async Task SeveralConsumers_DrainingOneQueue_ProcessEachMessageExactlyOnce()
    {
        var producer = new FileSystemMessageQueue(_root.FullName, "frames");
        await producer.CreateIfNotExistsAsync();
        for (int i = 0; i < 40; i++)
        {
            await producer.SendAsync($"{i}");
        }

        var processed = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var consumer = new FileSystemMessageQueue(_root.FullName, "frames");
            while (await consumer.ReceiveAsync(TimeSpan.FromMinutes(1)) is { } message)
            {
                processed.Add(message.Text);
                await consumer.DeleteAsync(message);
            }
        })));

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"{i}").Order(), processed.Order());
        Assert.Equal(0, await producer.ApproximateCountAsync());
    }

    [Fact]
    public async Task Receive_LeaseOfDays_EndsWhenTheInjectedClockPassesIt()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var queue = new FileSystemMessageQueue(_root.FullName, "pti", clock);
        await queue.CreateIfNotExistsAsync();
        await queue.SendAsync("fine-tune");
        QueueMessage first = (await queue.ReceiveAsync(TimeSpan.FromDays(7)))!;

        clock.Now += TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1);
        QueueMessage? early = await queue.ReceiveAsync(TimeSpan.FromMinutes(1));
        clock.Now += TimeSpan.FromSeconds(1);
        QueueMessage? due = await queue.ReceiveAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(clock.Start.AddDays(7), first.NextVisibleOn);
        Assert.Null(early);
        Assert.Equal(2, due?.DequeueCount);
    }

    [Fact]
    public async Task Queue_LivesInAHiddenFolderOfTheBlobStoreRoot_ThatNoContainerCanName()
    {
        var blobs = new FileSystemBlobStore(_root.FullName);
        var queue = new FileSystemMessageQueue(_root.FullName, "jobs");
        await blobs.CreateContainerIfNotExistsAsync("jobs");
        await queue.CreateIfNotExistsAsync();
        await queue.SendAsync("x");

        Assert.Equal(Path.Combine(_root.FullName, ".queues", "jobs"), queue.Location);
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => blobs.CreateContainerIfNotExistsAsync(FileSystemMessageQueue.QueuesFolderName));
        Assert.Empty(await blobs.ListAsync("jobs").ToListAsync());
    }

    [Fact]
    public async Task Update_AMessageIdThatIsNotOurs_ThrowsLost()
    {
        var queue = new FileSystemMessageQueue(_root.FullName, "jobs");
        await queue.CreateIfNotExistsAsync();
        var foreign = new QueueMessage("../../etc/passwd", "receipt", "x", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        await Assert.ThrowsAsync<QueueMessageLostException>(() => queue.DeleteAsync(foreign));
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Start { get; } = start;

        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
