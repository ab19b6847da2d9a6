using ServerlessStitch.Storage.Queues;

namespace ServerlessStitch.Storage.Tests.Queues;

/// <summary>The contract against the embedded filesystem queue in a fresh temporary folder.</summary>
public sealed class FileSystemMessageQueueContractTests : MessageQueueContractTests, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("fsqueue-");

    protected override IMessageQueue CreateQueue(string name) => new FileSystemMessageQueue(_root.FullName, name);

    public void Dispose() => _root.Delete(recursive: true);
}
