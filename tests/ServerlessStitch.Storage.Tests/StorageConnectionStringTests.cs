namespace ServerlessStitch.Storage.Tests;

public sealed class StorageConnectionStringTests
{
    [Fact]
    public void Parse_UseDevelopmentStorage_PointsAtAzuriteWithTheWellKnownAccount()
    {
        StorageConnectionString parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Equal("devstoreaccount1", parsed.SharedKey!.AccountName);
        Assert.IsType<SharedKeyAuthorizer>(parsed.CreateAuthorizer());
    }

    [Fact]
    public void Parse_AccountAndKey_DerivesEndpointsFromProtocolAndSuffix()
    {
        StorageConnectionString parsed = StorageConnectionString.Parse(
            "DefaultEndpointsProtocol=https;AccountName=stitchdata;AccountKey=" + Convert.ToBase64String(new byte[64]) + ";EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://stitchdata.blob.core.chinacloudapi.cn"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://stitchdata.queue.core.chinacloudapi.cn"), parsed.QueueEndpoint);
        Assert.Equal("stitchdata", parsed.SharedKey!.AccountName);
    }

    [Fact]
    public void Parse_ExplicitBlobEndpoint_WinsOverTheAccountDefault()
    {
        StorageConnectionString parsed = StorageConnectionString.Parse(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Convert.ToBase64String(new byte[64]) + ";BlobEndpoint=http://127.0.0.1:41234/devstoreaccount1;");

        Assert.Equal(new Uri("http://127.0.0.1:41234/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://devstoreaccount1.queue.core.windows.net"), parsed.QueueEndpoint);
    }

    [Fact]
    public void Parse_SharedAccessSignature_GivesSasAuthorizer()
    {
        StorageConnectionString parsed = StorageConnectionString.Parse("BlobEndpoint=https://a.blob.core.windows.net/;QueueEndpoint=https://a.queue.core.windows.net/;SharedAccessSignature=sv=2021-12-02&ss=b&sig=abc%3D");

        Assert.Null(parsed.SharedKey);
        Assert.Equal("sv=2021-12-02&ss=b&sig=abc%3D", parsed.SharedAccessSignature);
        Assert.IsType<SasAuthorizer>(parsed.CreateAuthorizer());
    }

    [Fact]
    public void Parse_EndpointWithoutSecret_NeedsATokenCredential()
    {
        StorageConnectionString parsed = StorageConnectionString.Parse("BlobEndpoint=https://a.blob.core.windows.net;QueueEndpoint=https://a.queue.core.windows.net");

        Assert.Null(parsed.CreateAuthorizer());
        var error = Assert.Throws<ArgumentException>(() => AzureBlobStore.FromConnectionString("BlobEndpoint=https://a.blob.core.windows.net;QueueEndpoint=https://a.queue.core.windows.net"));
        Assert.Contains("token credential", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountName=a;AccountKey=not base64!", "not base64")]
    [InlineData("AccountKey=" + "AAAA", "needs AccountName or BlobEndpoint")]
    [InlineData("AccountName=a;BlobEndpoint=ftp://x", "not an http(s) URL")]
    [InlineData("AccountName=a;garbage", "'garbage' is not of the form Key=Value")]
    public void Parse_Malformed_ThrowsNamingTheProblem(string connectionString, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => StorageConnectionString.Parse(connectionString));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
