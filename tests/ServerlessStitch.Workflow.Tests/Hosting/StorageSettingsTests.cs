using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Tests.Hosting;

public sealed class StorageSettingsTests
{
    private static Func<string, string?> Settings(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void FromConfiguration_AccountName_UsesItsBlobAndQueueEndpointsWithManagedIdentity()
    {
        var settings = StorageSettings.FromConfiguration(Settings(
            ("AzureWebJobsStorage__accountName", "stitchdata"), ("AzureWebJobsStorage__credential", "managedidentity"), ("AzureWebJobsStorage__clientId", "0000-client")));

        Assert.Equal(new Uri("https://stitchdata.blob.core.windows.net"), settings.BlobServiceUri);
        Assert.Equal(new Uri("https://stitchdata.queue.core.windows.net"), settings.QueueServiceUri);
        Assert.Equal("stitchdata.blob.core.windows.net + stitchdata.queue.core.windows.net (managed identity 0000-client)", settings.Description);
    }

    [Fact]
    public void FromConfiguration_ExplicitServiceUris_WinOverTheAccountName()
    {
        var settings = StorageSettings.FromConfiguration(Settings(
            ("STITCH_STORAGE__accountName", "ignored"), ("STITCH_STORAGE__blobServiceUri", "https://b.example.net"), ("STITCH_STORAGE__queueServiceUri", "https://q.example.net")), "STITCH_STORAGE");

        Assert.Equal((new Uri("https://b.example.net"), new Uri("https://q.example.net")), (settings.BlobServiceUri, settings.QueueServiceUri));
        Assert.Contains("default credential", settings.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_ConnectionString_IsUsedAsItIsAndNotEchoed()
    {
        var settings = StorageSettings.FromConfiguration(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("AzureWebJobsStorage__accountName", "other")));

        Assert.Null(settings.BlobServiceUri);
        Assert.Equal("AzureWebJobsStorage (connection string)", settings.Description);
        Assert.Contains("127.0.0.1:10000", settings.CreateBlobStore().Location, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_SasUrl_HidesTheSignature()
    {
        var settings = StorageSettings.FromConfiguration(Settings(("S", "https://a.blob.core.windows.net/?sv=2024&sig=SECRET")), "S");

        Assert.DoesNotContain("SECRET", settings.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_NothingSet_FallsBackToTheFolderOrSaysWhatToSet()
    {
        string folder = Path.Combine(Path.GetTempPath(), "stitch-settings-test");
        var fallback = StorageSettings.FromConfiguration(Settings(), "STITCH_STORAGE", folder);
        var error = Assert.Throws<StorageSettingsException>(() => StorageSettings.FromConfiguration(Settings()));

        Assert.IsType<FileSystemBlobStore>(fallback.CreateBlobStore());
        Assert.Contains("set AzureWebJobsStorage to a connection string", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__blobServiceUri", "https://b.example.net", "Set both")]
    [InlineData("AzureWebJobsStorage__blobServiceUri", "http://b.example.net", "must be an https URL")]
    [InlineData("AzureWebJobsStorage__credential", "connectionstring", "must be 'managedidentity'")]
    public void FromConfiguration_MalformedIdentitySettings_AreRefusedNamingTheSetting(string name, string value, string expected)
    {
        var values = name.EndsWith("credential", StringComparison.Ordinal)
            ? Settings(("AzureWebJobsStorage__accountName", "a"), (name, value))
            : Settings((name, value));

        var error = Assert.Throws<StorageSettingsException>(() => StorageSettings.FromConfiguration(values));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
