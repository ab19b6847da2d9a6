using Azure.Identity;
using ServerlessStitch.Storage.Queues;

namespace ServerlessStitch.Storage.Tests.Queues;

public sealed class MessageQueueFactoryTests : IDisposable
{
    private const string Sas = "sv=2021-12-02&ss=q&srt=sco&sp=raup&se=2030-01-01T00%3A00%3A00Z&sig=abc%3D";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("queuefactory-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Create_Empty_IsTheFilesystemQueueUnderTheDefaultRoot()
    {
        string root = Path.Combine(_root.FullName, ".stitch");

        IMessageQueue queue = MessageQueueFactory.Create("", "gpu-work", defaultRoot: root);

        var fileSystem = Assert.IsType<FileSystemMessageQueue>(queue);
        Assert.Equal("gpu-work", fileSystem.Name);
        Assert.Equal(Path.Combine(root, ".queues", "gpu-work"), fileSystem.Location);
    }

    [Fact]
    public void Create_FolderPath_IsTheFilesystemQueueUnderThatFolder()
    {
        IMessageQueue queue = MessageQueueFactory.Create(_root.FullName, "gpu-work");

        Assert.Equal(Path.Combine(_root.FullName, ".queues", "gpu-work"), Assert.IsType<FileSystemMessageQueue>(queue).Location);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", "http://127.0.0.1:10001/devstoreaccount1", typeof(SharedKeyAuthorizer))]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=stitchdata;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net", "https://stitchdata.queue.core.windows.net", typeof(SharedKeyAuthorizer))]
    [InlineData("BlobEndpoint=https://stitchdata.blob.core.windows.net/;QueueEndpoint=https://stitchdata.queue.core.windows.net/;SharedAccessSignature=" + Sas, "https://stitchdata.queue.core.windows.net", typeof(SasAuthorizer))]
    [InlineData("https://stitchdata.queue.core.windows.net/?" + Sas, "https://stitchdata.queue.core.windows.net", typeof(SasAuthorizer))]
    [InlineData("https://stitchdata.queue.core.windows.net/gpu-work?" + Sas, "https://stitchdata.queue.core.windows.net", typeof(SasAuthorizer))]
    [InlineData("https://stitchdata.queue.core.windows.net", "https://stitchdata.queue.core.windows.net", typeof(BearerTokenAuthorizer))]
    [InlineData("https://stitchdata.queue.core.windows.net/gpu-work", "https://stitchdata.queue.core.windows.net", typeof(BearerTokenAuthorizer))]
    public void Create_ConnectionStringOrUrl_IsTheAzureQueueOnThatEndpoint(string target, string endpoint, Type authorizer)
    {
        IMessageQueue queue = MessageQueueFactory.Create(target, "gpu-work", new ClientSecretCredential("tenant", "client", "secret"));

        var azure = Assert.IsType<AzureMessageQueue>(queue);
        Assert.Equal(new Uri(endpoint), azure.ServiceEndpoint);
        Assert.Equal(new Uri(endpoint.TrimEnd('/') + "/gpu-work"), azure.Uri);
        Assert.IsType(authorizer, azure.Authorizer);
    }

    [Fact]
    public void Create_UrlWithoutSasOrCredential_UsesDefaultAzureCredential()
    {
        IMessageQueue queue = MessageQueueFactory.Create("https://stitchdata.queue.core.windows.net", "gpu-work");

        Assert.IsType<BearerTokenAuthorizer>(Assert.IsType<AzureMessageQueue>(queue).Authorizer);
    }

    [Fact]
    public void Create_InvalidQueueName_ThrowsArgumentException()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => MessageQueueFactory.Create(null, "GPU_Work"));

        Assert.Contains("lowercase letters, digits and hyphens", error.Message, StringComparison.Ordinal);
    }
}
