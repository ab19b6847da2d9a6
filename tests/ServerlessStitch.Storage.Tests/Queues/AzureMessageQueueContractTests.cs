using ServerlessStitch.Storage.Queues;

namespace ServerlessStitch.Storage.Tests.Queues;

/// <summary>The contract against the Queue REST client talking to a real Azurite, signed with Shared Key.</summary>
[Collection(AzuriteShared.Name)]
public sealed class AzureMessageQueueContractTests(AzuriteFixture azurite) : MessageQueueContractTests
{
    protected override IMessageQueue CreateQueue(string name) => azurite.CreateQueue(name);
}
