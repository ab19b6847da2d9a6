using ServerlessStitch.Storage.Queues;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Workflow.Tests.Edit;

public sealed class PtiProtocolTests
{
    private static readonly PtiWorkItem Item = new("instance-1", "job-1");

    [Fact]
    public void Completion_RoundTripsThroughJson()
    {
        var success = PtiCompletion.Succeeded(Item, new PtiOutput("job-1/pti/generator.pt", "job-1/pti/summary.json", 21.5, 24.25, 12.5));
        var failure = PtiCompletion.Failed(Item, "out of memory");

        Assert.Equal(success, PtiCompletion.Parse(success.ToJson()));
        Assert.Equal(failure, PtiCompletion.Parse(failure.ToJson()));
        Assert.Contains("\"instanceId\":\"instance-1\",\"jobId\":\"job-1\"", success.ToJson(), StringComparison.Ordinal); // camelCase on the wire
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("null", "was empty")]
    [InlineData("{\"instanceId\":\"i\",\"jobId\":\"j\"}", "exactly one of result or error")]
    [InlineData("{\"instanceId\":\"i\",\"jobId\":\"j\",\"error\":\"e\",\"result\":{\"generator\":\"g\",\"summary\":\"s\",\"psnrEncoder\":1,\"psnrTuned\":2,\"seconds\":3}}", "exactly one of result or error")]
    [InlineData("{\"jobId\":\"j\",\"error\":\"e\"}", "needs instanceId")]
    public void ParseCompletion_NotACompletion_IsRefusedSayingWhy(string json, string expected)
    {
        var error = Assert.Throws<PtiMessageException>(() => PtiCompletion.Parse(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkItem_RoundTripsAndRefusesMissingFields()
    {
        Assert.Equal(Item, PtiMessages.ParseWorkItem(PtiMessages.ToJson(Item)));
        Assert.Contains("needs instanceId and jobId", Assert.Throws<PtiMessageException>(() => PtiMessages.ParseWorkItem("{\"jobId\":\"j\"}")).Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Assert.Throws<PtiMessageException>(() => PtiMessages.ParseWorkItem("{")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StitchMessages_RoundTripAndRouteToTheirBatchesEvent()
    {
        var item = new StitchWorkItem("instance-1", "job-1", 3, [new ChunkInput("job-1", 32, 16), new ChunkInput("job-1", 48, 4)]);
        string json = PtiMessages.ToJson(item);
        var report = WorkerReport.Parse(StitchCompletion.Succeeded(item, 12.5).ToJson());
        var pti = WorkerReport.Parse(PtiCompletion.Failed(Item, "no").ToJson());

        Assert.Contains("\"kind\":\"stitch\"", json, StringComparison.Ordinal);
        var parsed = Assert.IsType<StitchWorkItem>(PtiMessages.ParseWork(json));
        Assert.Equal((item.InstanceId, item.JobId, item.Batch), (parsed.InstanceId, parsed.JobId, parsed.Batch));
        Assert.Equal(item.Chunks, parsed.Chunks);
        Assert.Equal(Item, PtiMessages.ParseWork(PtiMessages.ToJson(Item))); // PTI items carry no kind
        Assert.Equal(("instance-1", "StitchCompleted.3"), (report.InstanceId, report.EventName));
        Assert.Equal(12.5, Assert.IsType<StitchCompletion>(report.Payload).Seconds);
        Assert.Equal(EditOrchestration.PtiCompletedEvent, pti.EventName);
    }

    [Theory]
    [InlineData("{\"kind\":\"stitch\",\"instanceId\":\"i\",\"jobId\":\"j\",\"batch\":0,\"chunks\":[]}")]
    [InlineData("{\"kind\":\"stitch\",\"instanceId\":\"i\",\"jobId\":\"j\",\"batch\":0,\"chunks\":[{\"jobId\":\"other\",\"start\":0,\"count\":4}]}")]
    [InlineData("{\"kind\":\"stitch\",\"instanceId\":\"i\",\"jobId\":\"j\",\"batch\":-1,\"chunks\":[{\"jobId\":\"j\",\"start\":0,\"count\":4}]}")]
    public void ParseWork_BadStitchItem_IsRefused(string json)
    {
        Assert.Contains("chunks of that job", Assert.Throws<PtiMessageException>(() => PtiMessages.ParseWork(json)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PoisonRecord_KeepsTheMessageAndCutsHugeText()
    {
        var message = new QueueMessage("m1", "r1", new string('x', 40_000), 4, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var record = WorkflowLimits.Deserialize<PoisonRecord>(PoisonRecord.ToJson(PtiQueues.Work, message, "gave up"));

        Assert.Equal((PtiQueues.Work, "m1", 4, "gave up"), (record.Queue, record.MessageId, record.DequeueCount, record.Reason));
        Assert.Equal(6_001, record.Text.Length);
    }
}
