namespace ServerlessStitch.GpuWorker.Tests;

public sealed class WorkerOptionsTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void From_NothingSet_IsAJobOnTheFilesystemStoreWithGenerousLeases()
    {
        var options = WorkerOptions.From([], Environment());

        Assert.Equal((WorkerMode.Job, "auto", TimeSpan.FromMinutes(5), 5, 0), (options.Mode, options.Device, options.Visibility, options.MaxAttempts, options.Threads));
        Assert.Equal("the filesystem store at .stitch", options.Storage.Description);
    }

    [Fact]
    public void From_ArgumentsOverrideTheEnvironment()
    {
        var options = WorkerOptions.From(["--mode", "service", "--visibility", "00:10:00"],
            Environment(("STITCH_WORKER_MODE", "job"), ("STITCH_PTI_VISIBILITY", "60"), ("STITCH_PTI_MAX_ATTEMPTS", "7"), ("STITCH_STORAGE", "UseDevelopmentStorage=true")));

        Assert.Equal((WorkerMode.Service, TimeSpan.FromMinutes(10), 7), (options.Mode, options.Visibility, options.MaxAttempts));
        Assert.Equal("STITCH_STORAGE (connection string)", options.Storage.Description);
    }

    [Theory]
    [InlineData("STITCH_WORKER_MODE", "batch", "must be 'job' or 'service'")]
    [InlineData("STITCH_PTI_VISIBILITY", "1", "must be 3 s to 7 days")]
    [InlineData("STITCH_PTI_VISIBILITY", "soon", "must be seconds")]
    [InlineData("STITCH_PTI_MAX_ATTEMPTS", "0", "must be a whole number ≥ 1")]
    [InlineData("STITCH_STORAGE__credential", "key", "must be 'managedidentity'")]
    public void From_BadSetting_IsRefusedNamingIt(string name, string value, string expected)
    {
        var error = Assert.Throws<WorkerConfigurationException>(() => WorkerOptions.From([], Environment((name, value), ("STITCH_STORAGE__accountName", "acct"))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_UnknownArgument_ListsTheKnownOnes()
    {
        var error = Assert.Throws<WorkerConfigurationException>(() => WorkerOptions.From(["--gpu"], Environment()));

        Assert.Contains("'--gpu'", error.Message, StringComparison.Ordinal);
        Assert.Contains("--visibility", error.Message, StringComparison.Ordinal);
    }
}
