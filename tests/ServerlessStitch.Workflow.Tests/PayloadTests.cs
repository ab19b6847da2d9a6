using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Workflow.Tests;

public sealed class PayloadTests
{
    private const string JobId = "0123456789abcdef0123";

    /// <summary>Every record the edit workflow passes, at its largest: a long job id, every stage's seconds, the largest chunk numbers.</summary>
    public static TheoryData<string, object> EditPayloads() => new()
    {
        { "orchestration input", new EditOrchestrationInput(JobId) { Pti = PtiDispatch.Queue, Retry = new RetryPolicyInput(10, TimeSpan.FromMinutes(1), 2) } },
        { "orchestration output", new EditOutput(JobId, $"{JobId}/output.mp4", $"{JobId}/compare.mp4", $"{JobId}/preview.png", $"{JobId}/report.json") },
        { "custom status", new EditStatus("landmarks", 999_999, 999_999) },
        { "job input", new JobInput(JobId) },
        { "chunk input", new ChunkInput(JobId, 999_984, 16) },
        { "video plan", new VideoPlan(1_000_000, 16, 12_345.678) },
        { "blob output", new BlobOutput($"{JobId}/stitched/999984.chunk", 12_345.678) },
        { "PTI output", new PtiOutput($"{JobId}/pti/generator.pt", $"{JobId}/pti/summary.json", 22.123456789, 25.123456789, 98_765.4321) },
        { "PTI work item", new PtiWorkItem(JobId, JobId) },
        { "finish input", new FinishInput(JobId, new Dictionary<string, double>
            { ["probe"] = 1.234, ["decode"] = 12_345.678, ["align"] = 12_345.678, ["invert"] = 12_345.678, ["pti"] = 98_765.4321, ["stitch"] = 123_456.789 }) },
    };

    [Theory]
    [MemberData(nameof(EditPayloads))]
    public void EditPayload_AtItsLargest_IsWellUnderSixteenKilobytes(string what, object payload)
    {
        string json = WorkflowLimits.Serialize(payload, what);

        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(json), 2, 1024);
    }

    [Fact]
    public void Serialize_OverSixteenKilobytes_IsRefusedNamingThePayload()
    {
        var error = Assert.Throws<WorkflowPayloadTooLargeException>(() => WorkflowLimits.Serialize(new string('x', 16 * 1024), "The input of activity 'X'"));

        Assert.StartsWith("The input of activity 'X' is 16386 bytes of JSON; the limit is 16384.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DelayAfter_ThreeFailures_GrowsByTheCoefficientUpToTheCap()
    {
        var retry = new ActivityRetry(5, TimeSpan.FromSeconds(1), 3.0, TimeSpan.FromSeconds(5));

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5)], Enumerable.Range(1, 3).Select(retry.DelayAfter));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActivityRetry(0, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActivityRetry(2, TimeSpan.Zero, 0.5));
    }
}
