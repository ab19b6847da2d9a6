using System.Text;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Tests.Hosting;

/// <summary>
/// Several blobs dropped for one job (the same video under two names) on the filesystem store: each is delivered
/// once the job ends, whether it was listed before the end (the job's last activity delivers it) or after (its own
/// trigger does), and a failure moves each one with the reason.
/// </summary>
public sealed class DropWaitlistTests : IDisposable
{
    private static readonly byte[] Video = Encoding.ASCII.GetBytes("....ftypisom, the job's output");
    private readonly string _folder = Directory.CreateTempSubdirectory("drop-waitlist-").FullName;
    private readonly FileSystemBlobStore _store;
    private readonly DropWaitlist _waitlist;

    public DropWaitlistTests()
    {
        _store = new FileSystemBlobStore(_folder);
        _waitlist = new DropWaitlist(_store, new DropDelivery(_store));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task DropAsync(params string[] names)
    {
        await _store.CreateContainerIfNotExistsAsync("videos-in");
        foreach (string name in names)
        {
            await _store.WriteBytesAsync("videos-in", name, Encoding.ASCII.GetBytes("the dropped video"));
        }
    }

    private async Task JobOutputAsync(string jobId)
    {
        await _store.CreateContainerIfNotExistsAsync(JobPaths.Container);
        await _store.WriteBytesAsync(JobPaths.Container, new JobPaths(jobId).Output, Video);
    }

    private async Task<int> WaitingAsync(string jobId)
    {
        int count = 0;
        await foreach (var _ in _store.ListAsync(JobPaths.Container, DropWaitlist.WaitingPrefix(jobId)))
        {
            count++;
        }
        return count;
    }

    [Fact]
    public async Task ListedWhileRunning_TheEndDeliversEveryNameAndEmptiesTheList()
    {
        await DropAsync("a.mp4", "holiday/copy of a.mp4");
        await _waitlist.AddAsync("job1", "a.mp4");
        await _waitlist.AddAsync("job1", "holiday/copy of a.mp4");
        await _waitlist.AddAsync("job1", "a.mp4"); // a duplicate event
        Assert.False(await _waitlist.DeliverIfEndedAsync("job1", "holiday/copy of a.mp4"));
        Assert.False(await _store.ExistsAsync("videos-out", "holiday/copy of a.mp4"));
        await JobOutputAsync("job1");

        var delivered = await _waitlist.EndAsync("job1", new DropOutcome());

        Assert.Equal(["a.mp4", "holiday/copy of a.mp4"], delivered.Order(StringComparer.Ordinal));
        Assert.Equal(Video, await _store.ReadBytesAsync("videos-out", "a.mp4"));
        Assert.Equal(Video, await _store.ReadBytesAsync("videos-out", "holiday/copy of a.mp4"));
        Assert.Equal(0, await WaitingAsync("job1"));
        // The activity retried after it had delivered: nothing left to deliver, nothing fails.
        Assert.Empty(await _waitlist.EndAsync("job1", new DropOutcome()));
    }

    [Fact]
    public async Task ListedAfterTheEnd_ItsOwnTriggerDeliversIt()
    {
        await JobOutputAsync("job2");
        await _waitlist.EndAsync("job2", new DropOutcome());
        await DropAsync("late.mp4");

        await _waitlist.AddAsync("job2", "late.mp4");
        bool delivered = await _waitlist.DeliverIfEndedAsync("job2", "late.mp4");

        Assert.True(delivered);
        Assert.Equal(Video, await _store.ReadBytesAsync("videos-out", "late.mp4"));
        Assert.Equal(0, await WaitingAsync("job2"));
    }

    [Fact]
    public async Task JobFailed_EveryListedBlobIsMovedWithTheReason()
    {
        await DropAsync("a.mp4", "b.mp4");
        await _waitlist.AddAsync("job3", "a.mp4");
        await _waitlist.AddAsync("job3", "b.mp4");

        await _waitlist.EndAsync("job3", new DropOutcome("JobFailed", "No face was found in any frame."));

        foreach (string name in new[] { "a.mp4", "b.mp4" })
        {
            Assert.False(await _store.ExistsAsync("videos-in", name));
            Assert.False(await _store.ExistsAsync("videos-out", name));
            var failure = await _store.ReadJsonAsync<DropFailure>("videos-failed", name + ".error.json", DropDelivery.Json);
            Assert.Equal(new DropFailure(name, "JobFailed", "No face was found in any frame.", 1, "job3"), failure);
        }
    }

    [Fact]
    public async Task OutcomeCleared_ForARerun_ALaterBlobWaitsForTheNewRun()
    {
        await _waitlist.EndAsync("job4", new DropOutcome("JobFailed", "the store was down"));
        await _waitlist.ClearOutcomeAsync("job4");
        await DropAsync("retry.mp4");

        await _waitlist.AddAsync("job4", "retry.mp4");
        Assert.False(await _waitlist.DeliverIfEndedAsync("job4", "retry.mp4"));
        Assert.True(await _store.ExistsAsync("videos-in", "retry.mp4"));
        Assert.False(await _store.ExistsAsync("videos-failed", "retry.mp4"));

        await JobOutputAsync("job4");
        Assert.Equal(["retry.mp4"], await _waitlist.EndAsync("job4", new DropOutcome()));
        Assert.Equal(Video, await _store.ReadBytesAsync("videos-out", "retry.mp4"));
    }

    [Fact]
    public async Task JobWithoutDrops_OnlyRecordsItsOutcome()
    {
        Assert.Empty(await _waitlist.EndAsync("job5", new DropOutcome()));

        Assert.True(await _store.ExistsAsync(JobPaths.Container, DropWaitlist.OutcomePath("job5")));
        Assert.False(await _store.ExistsAsync("videos-out", "job5"));
    }
}
