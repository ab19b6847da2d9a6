using ServerlessStitch.Storage.Queues;

namespace ServerlessStitch.Storage.Tests.Queues;

/// <summary>
/// The behaviour every <see cref="IMessageQueue"/> must have. Each queue runs this same suite through a derived
/// class; each test uses its own fresh queue. Leases are 1-2 s so that expiry is tested for real and quickly.
/// </summary>
public abstract class MessageQueueContractTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);
    private IMessageQueue? _queue;

    protected string QueueName { get; } = "q" + Guid.NewGuid().ToString("N")[..24];

    protected IMessageQueue Queue => _queue ??= CreateQueue(QueueName);

    protected abstract IMessageQueue CreateQueue(string name);

    public virtual Task InitializeAsync() => Queue.CreateIfNotExistsAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SendThenReceive_NonAsciiText_RoundTripsWithAFirstDelivery()
    {
        const string text = "{\"job\":\"Grüße\",\"face\":\"顔\",\"emoji\":\"😀\",\"xml\":\"<a>&amp;</a>\"}";
        DateTimeOffset before = DateTimeOffset.UtcNow;

        string id = await Queue.SendAsync(text);
        QueueMessage? received = await Queue.ReceiveAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(received);
        Assert.Equal(id, received.Id);
        Assert.Equal(text, received.Text);
        Assert.Equal(1, received.DequeueCount);
        Assert.False(string.IsNullOrEmpty(received.PopReceipt));
        Assert.InRange(received.InsertedOn, before.AddSeconds(-2), DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.InRange(received.NextVisibleOn, before.AddSeconds(28), DateTimeOffset.UtcNow.AddSeconds(32));
    }

    [Fact]
    public async Task Receive_EmptyQueue_ReturnsNull()
    {
        Assert.Null(await Queue.ReceiveAsync(Lease));
    }

    [Fact]
    public async Task Receive_LeasedMessage_IsInvisibleUntilItsTimeoutThenRedeliveredWithANewReceipt()
    {
        string id = await Queue.SendAsync("work item");
        QueueMessage first = (await Queue.ReceiveAsync(Lease))!;

        QueueMessage? whileLeased = await Queue.ReceiveAsync(Lease);
        QueueMessage second = await ReceiveWithinAsync(TimeSpan.FromSeconds(5));

        Assert.Null(whileLeased);
        Assert.Equal(id, second.Id);
        Assert.Equal("work item", second.Text);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
    }

    [Fact]
    public async Task UpdateVisibility_ExtendsTheLease_AndTheOldReceiptIsThenLost()
    {
        await Queue.SendAsync("long job");
        QueueMessage leased = (await Queue.ReceiveAsync(Lease))!;

        QueueMessage extended = await Queue.UpdateVisibilityAsync(leased, TimeSpan.FromSeconds(4));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past the first lease, well inside the extended one

        Assert.Null(await Queue.ReceiveAsync(Lease));
        Assert.NotEqual(leased.PopReceipt, extended.PopReceipt);
        Assert.Equal(leased.Id, extended.Id);
        Assert.Equal(leased.Text, extended.Text);
        Assert.Equal(1, extended.DequeueCount);
        Assert.True(extended.NextVisibleOn > leased.NextVisibleOn, $"{extended.NextVisibleOn:O} should be after {leased.NextVisibleOn:O}");
        await Assert.ThrowsAsync<QueueMessageLostException>(() => Queue.UpdateVisibilityAsync(leased, Lease));
        await Assert.ThrowsAsync<QueueMessageLostException>(() => Queue.DeleteAsync(leased));
        await Queue.DeleteAsync(extended);
        Assert.Equal(0, await Queue.ApproximateCountAsync());
    }

    [Fact]
    public async Task UpdateVisibility_Zero_MakesTheMessageVisibleAtOnce()
    {
        string id = await Queue.SendAsync("give back");
        QueueMessage leased = (await Queue.ReceiveAsync(TimeSpan.FromMinutes(5)))!;

        await Queue.UpdateVisibilityAsync(leased, TimeSpan.Zero);
        QueueMessage? again = await Queue.ReceiveAsync(Lease);

        Assert.NotNull(again);
        Assert.Equal(id, again.Id);
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task UpdateVisibility_AfterTheMessageWasRedelivered_ThrowsLost()
    {
        await Queue.SendAsync("stolen");
        QueueMessage mine = (await Queue.ReceiveAsync(Lease))!;
        QueueMessage theirs = await ReceiveWithinAsync(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<QueueMessageLostException>(() => Queue.UpdateVisibilityAsync(mine, TimeSpan.FromSeconds(30)));
        await Queue.DeleteAsync(theirs);
    }

    [Fact]
    public async Task Delete_RemovesTheMessage_AndASecondDeleteWithTheSameReceiptThrowsLost()
    {
        await Queue.SendAsync("done soon");
        QueueMessage leased = (await Queue.ReceiveAsync(TimeSpan.FromSeconds(30)))!;

        await Queue.DeleteAsync(leased);

        Assert.Equal(0, await Queue.ApproximateCountAsync());
        Assert.Null(await Queue.ReceiveAsync(Lease));
        var error = await Assert.ThrowsAsync<QueueMessageLostException>(() => Queue.DeleteAsync(leased));
        Assert.Contains(leased.Id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApproximateCount_CountsVisibleLeasedAndDelayedMessages()
    {
        await Queue.SendAsync("a");
        await Queue.SendAsync("b");
        await Queue.SendAsync("c", TimeSpan.FromMinutes(1));
        await Queue.ReceiveAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, await Queue.ApproximateCountAsync());
    }

    [Fact]
    public async Task Clear_RemovesEveryMessage()
    {
        await Queue.SendAsync("a");
        await Queue.SendAsync("b", TimeSpan.FromMinutes(1));
        await Queue.ReceiveAsync(TimeSpan.FromSeconds(30));

        await Queue.ClearAsync();

        Assert.Equal(0, await Queue.ApproximateCountAsync());
        Assert.Null(await Queue.ReceiveAsync(Lease));
    }

    [Fact]
    public async Task Send_WithVisibilityDelay_IsHiddenUntilTheDelayHasPassed()
    {
        string id = await Queue.SendAsync("later", TimeSpan.FromSeconds(1));

        QueueMessage? atOnce = await Queue.ReceiveAsync(Lease);
        QueueMessage later = await ReceiveWithinAsync(TimeSpan.FromSeconds(5));

        Assert.Null(atOnce);
        Assert.Equal(id, later.Id);
        Assert.Equal(1, later.DequeueCount);
    }

    [Fact]
    public async Task Receive_SeveralMessages_OldestFirst()
    {
        foreach (string text in new[] { "first", "second", "third" })
        {
            await Queue.SendAsync(text);
        }

        var texts = new List<string>();
        while (await Queue.ReceiveAsync(TimeSpan.FromSeconds(30)) is { } message)
        {
            texts.Add(message.Text);
        }

        Assert.Equal(["first", "second", "third"], texts);
    }

    [Fact]
    public async Task Send_TextAtTheLimit_RoundTrips()
    {
        string text = new('x', 49_152); // 65 536 bytes in base64: exactly the limit

        await Queue.SendAsync(text);

        Assert.Equal(text, (await Queue.ReceiveAsync(Lease))?.Text);
    }

    [Fact]
    public async Task Send_TextOverTheLimit_ThrowsTooLargeAndSendsNothing()
    {
        string text = new('é', 24_577); // 49 154 UTF-8 bytes: 65 540 in base64

        var error = await Assert.ThrowsAsync<QueueMessageTooLargeException>(() => Queue.SendAsync(text));

        Assert.Contains("65536", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Queue.ApproximateCountAsync());
    }

    [Fact]
    public async Task CreateIfNotExists_Twice_IsFine()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.CreateIfNotExistsAsync();

        Assert.Equal(0, await Queue.ApproximateCountAsync());
    }

    [Fact]
    public async Task Send_QueueNotCreated_ThrowsQueueNotFound()
    {
        IMessageQueue missing = CreateQueue("missing" + Guid.NewGuid().ToString("N")[..16]);

        var error = await Assert.ThrowsAsync<QueueNotFoundException>(() => missing.SendAsync("x"));

        Assert.Contains(missing.Name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_ZeroTimeout_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queue.ReceiveAsync(TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queue.ReceiveAsync(TimeSpan.FromDays(8)));
    }

    [Theory]
    [InlineData("ab", "3 to 63 characters")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123", "3 to 63 characters")]
    [InlineData("Jobs", "lowercase letters, digits and hyphens")]
    [InlineData("gpu_work", "lowercase letters, digits and hyphens")]
    [InlineData("-gpu", "start and end with a letter or digit")]
    [InlineData("gpu-", "start and end with a letter or digit")]
    [InlineData("gpu--work", "two hyphens in a row")]
    public void Create_InvalidName_ThrowsArgumentExceptionNamingTheRule(string name, string rule)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => CreateQueue(name));

        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Polls until a message becomes visible; fails after <paramref name="deadline"/>.</summary>
    protected async Task<QueueMessage> ReceiveWithinAsync(TimeSpan deadline)
    {
        DateTime giveUp = DateTime.UtcNow + deadline;
        while (true)
        {
            if (await Queue.ReceiveAsync(TimeSpan.FromSeconds(30)) is { } message)
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < giveUp, $"No message became visible within {deadline.TotalSeconds} s.");
            await Task.Delay(100);
        }
    }
}
