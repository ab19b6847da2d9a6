using Azure.Core;

namespace ServerlessStitch.Storage.Tests;

/// <summary>Managed identity cannot run outside Azure, so a credential that records its calls stands in for it.</summary>
public sealed class BearerTokenAuthorizerTests
{
    [Fact]
    public async Task Authorize_FreshToken_AsksOnceForTheStorageScopeAndReusesIt()
    {
        var credential = new RecordingCredential(TimeSpan.FromHours(1));
        var authorizer = new BearerTokenAuthorizer(credential);

        using var first = new HttpRequestMessage(HttpMethod.Get, "https://a.blob.core.windows.net/jobs/x");
        using var second = new HttpRequestMessage(HttpMethod.Get, "https://a.blob.core.windows.net/jobs/y");
        await authorizer.AuthorizeAsync(first);
        await authorizer.AuthorizeAsync(second);

        Assert.Equal(["https://storage.azure.com/.default"], Assert.Single(credential.Requests));
        Assert.Equal("Bearer token-1", first.Headers.Authorization!.ToString());
        Assert.Equal("Bearer token-1", second.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task Authorize_TokenAboutToExpire_FetchesANewOne()
    {
        var credential = new RecordingCredential(TimeSpan.FromMinutes(2));
        var authorizer = new BearerTokenAuthorizer(credential);

        using var first = new HttpRequestMessage(HttpMethod.Get, "https://a.blob.core.windows.net/jobs/x");
        using var second = new HttpRequestMessage(HttpMethod.Get, "https://a.blob.core.windows.net/jobs/y");
        await authorizer.AuthorizeAsync(first);
        await authorizer.AuthorizeAsync(second);

        Assert.Equal(2, credential.Requests.Count);
        Assert.Equal("Bearer token-2", second.Headers.Authorization!.ToString());
    }

    private sealed class RecordingCredential(TimeSpan lifetime) : TokenCredential
    {
        public List<string[]> Requests { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Requests.Add(requestContext.Scopes);
            return new AccessToken($"token-{Requests.Count}", DateTimeOffset.UtcNow + lifetime);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
