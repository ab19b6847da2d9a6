using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Tests.Hosting;

public sealed class FunctionAppSettingsTests
{
    private static FunctionAppSettings Read(params (string Name, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return FunctionAppSettings.FromConfiguration(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void FromConfiguration_Nothing_QueueDispatchTwoHoursChunk16SmileAndDefaultRetry()
    {
        var settings = Read();

        Assert.Equal(PtiDispatch.Queue, settings.Pti);
        Assert.Equal(TimeSpan.FromHours(2), settings.PtiTimeout);
        Assert.Equal(16, settings.ChunkSize);
        Assert.Equal("smile", string.Join(',', settings.DropEdits));
        Assert.Null(settings.Retry);
        Assert.Null(settings.ModelsPath);
        Assert.Equal("models", settings.ModelsContainer);
    }

    [Fact]
    public void FromConfiguration_EveryValue_IsReadIntoTheOrchestrationInputAndRequests()
    {
        var settings = Read(("STITCH_PTI_DISPATCH", "activity"), ("STITCH_PTI_TIMEOUT", "1.00:30:00"), ("STITCH_CHUNK_SIZE", "8"), ("STITCH_STITCH_BATCH_CHUNKS", "4"),
            ("STITCH_PTI_PASSES", "20"), ("STITCH_STITCHING_ITERATIONS", "30"), ("STITCH_DROP_EDITS", " smile=1.5 , age=-1 "),
            ("STITCH_RETRY_MAX_ATTEMPTS", "5"), ("STITCH_MODELS_CONTAINER", "weights"), ("STITCH_MODELS_PREFIX", "ffhq"), ("STITCH_MODELS_CACHE", "/tmp/m"));

        var input = settings.OrchestrationInput("job1");
        var drop = settings.DropRequest(null);

        Assert.Equal(new EditOrchestrationInput("job1")
        {
            Pti = PtiDispatch.Activity, PtiTimeout = new TimeSpan(1, 0, 30, 0), StitchBatchChunks = 4, StitchTimeout = new TimeSpan(1, 0, 30, 0), Retry = new RetryPolicyInput(5, TimeSpan.FromSeconds(5), 2.0),
        }, input);
        Assert.Equal("smile=1.5,age=-1", string.Join(',', drop.Edits));
        Assert.Equal(8, drop.ChunkSize);
        Assert.Equal(20, drop.Pti.Passes);
        Assert.Equal(30, drop.Stitching.Iterations);
        Assert.Equal(("weights", "ffhq", "/tmp/m"), (settings.ModelsContainer, settings.ModelsPrefix, settings.ModelsCache));
    }

    [Fact]
    public void DropRequest_BlobEditsMetadata_OverridesTheConfiguredEdits()
    {
        var request = Read().DropRequest(new Dictionary<string, string>(StringComparer.Ordinal) { ["edits"] = "age=2,smile" });

        Assert.Equal("age=2,smile", string.Join(',', request.Edits));
    }

    [Fact]
    public void DropRequest_BlankEditsMetadata_UsesTheConfiguredEdits()
    {
        var request = Read().DropRequest(new Dictionary<string, string>(StringComparer.Ordinal) { ["edits"] = " , " });

        Assert.Equal("smile", string.Join(',', request.Edits));
    }

    [Theory]
    [InlineData("STITCH_PTI_DISPATCH", "gpu", "'queue'")]
    [InlineData("STITCH_PTI_DISPATCH", "7", "'queue'")]
    [InlineData("STITCH_PTI_TIMEOUT", "2h", "hh:mm:ss")]
    [InlineData("STITCH_PTI_TIMEOUT", "00:00:00", "positive")]
    [InlineData("STITCH_CHUNK_SIZE", "0", "positive integer")]
    [InlineData("STITCH_STITCH_BATCH_CHUNKS", "-2", "positive integer")]
    [InlineData("STITCH_RETRY_BACKOFF", "0.5", "at least 1")]
    [InlineData("STITCH_RETRY_FIRST_INTERVAL", "-00:00:01", "non-negative")]
    [InlineData("STITCH_DROP_EDITS", ",,", "NAME[=STEP]")]
    public void FromConfiguration_MalformedValue_ThrowsNamingTheSetting(string name, string value, string hint)
    {
        var e = Assert.Throws<HostSettingsException>(() => Read((name, value)));

        Assert.StartsWith($"{name}=\"{value}\"", e.Message, StringComparison.Ordinal);
        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_OnlyBackoffGiven_KeepsTheDefaultAttemptsAndInterval()
    {
        var settings = Read(("STITCH_RETRY_BACKOFF", "3"));

        Assert.Equal(new RetryPolicyInput(3, TimeSpan.FromSeconds(5), 3.0), settings.Retry);
    }
}
