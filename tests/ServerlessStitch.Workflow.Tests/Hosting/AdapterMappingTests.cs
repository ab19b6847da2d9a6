using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Tests.Hosting;

/// <summary>The values the Functions adapter hands to Durable Task, decided here where they are tested.</summary>
public sealed class AdapterMappingTests
{
    [Fact]
    public void DurableRetry_DefaultRetry_PassesEveryFieldThrough()
    {
        var retry = new ActivityRetry(3, TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMinutes(2));

        Assert.Equal(new DurableRetryArguments(3, TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMinutes(2)), DurableRetryArguments.For(retry));
    }

    [Fact]
    public void DurableRetry_NullOrOneAttempt_IsNoPolicy()
    {
        Assert.Null(DurableRetryArguments.For(null));
        Assert.Null(DurableRetryArguments.For(ActivityRetry.None));
        Assert.Null(DurableRetryArguments.For(new ActivityRetry(1, TimeSpan.FromSeconds(9))));
    }

    [Fact]
    public void DurableRetry_ZeroFirstIntervalAndSmallerMax_AreRaisedToWhatRetryPolicyAccepts()
    {
        var args = DurableRetryArguments.For(new ActivityRetry(4, TimeSpan.Zero, 1.5, TimeSpan.FromMilliseconds(10)))!;

        // RetryPolicy refuses firstRetryInterval <= 0 and maxRetryInterval < firstRetryInterval.
        Assert.Equal(TimeSpan.FromSeconds(1), args.FirstRetryInterval);
        Assert.Equal(args.FirstRetryInterval, args.MaxRetryInterval);
        Assert.Equal((4, 1.5), (args.MaxNumberOfAttempts, args.BackoffCoefficient));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("Failed", true)]
    [InlineData("Terminated", true)]
    [InlineData("Canceled", true)]
    [InlineData("Running", false)]
    [InlineData("Pending", false)]
    [InlineData("Suspended", false)]
    [InlineData("Completed", false)]
    [InlineData("ContinuedAsNew", false)]
    public void ShouldStart_ByExistingStatus_StartsOnlyWhenNoneOrEndedBadly(string? status, bool expected) =>
        Assert.Equal(expected, InstanceStartPolicy.ShouldStart(status));

    [Fact]
    public void EditStartRequest_FullBody_GivesSourceAndRequestWithKnobs()
    {
        var (container, blob, request) = EditStartRequest.Parse(
            """{"source":"videos-in/talks/clip.mp4","edits":["smile=1.5"," age "],"chunkSize":4,"ptiPasses":10}""", new FunctionAppSettings { StitchingIterations = 7 });

        Assert.Equal(("videos-in", "talks/clip.mp4"), (container, blob));
        Assert.Equal("smile=1.5,age", string.Join(',', request.Edits));
        Assert.Equal((4, 10, 7), (request.ChunkSize, request.Pti.Passes, request.Stitching.Iterations));
    }

    [Theory]
    [InlineData("not json", "not an edit request")]
    [InlineData("null", "no \"source\"")]
    [InlineData("""{"edits":["smile"]}""", "no \"source\"")]
    [InlineData("""{"source":"clip.mp4","edits":["smile"]}""", "is not \"container/name\"")]
    [InlineData("""{"source":"videos-in/","edits":["smile"]}""", "is not \"container/name\"")]
    [InlineData("""{"source":"videos-in/a.mp4","edits":[" "]}""", "No edits given")]
    public void EditStartRequest_BadBody_ThrowsSayingWhatToSend(string json, string expected)
    {
        var e = Assert.Throws<EditStartRequestException>(() => EditStartRequest.Parse(json, new FunctionAppSettings()));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
