using System.Net.Http.Headers;
using Azure.Core;

namespace ServerlessStitch.Storage;

/// <summary>Adds credentials to a Blob or Queue REST request just before it is sent (again on every retry).</summary>
public interface IStorageRequestAuthorizer
{
    /// <summary>Authorizes the request. Cancelling stops a token fetch.</summary>
    ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken = default);
}

/// <summary>Shared Key: an account key signs each request (Azurite, or accounts with key access enabled).</summary>
public sealed class SharedKeyAuthorizer(StorageSharedKeyCredential credential) : IStorageRequestAuthorizer
{
    private readonly SharedKeySigner _signer = new(credential);

    public ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        _signer.Sign(request);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A shared access signature: its query parameters are appended to every request URI.</summary>
public sealed class SasAuthorizer : IStorageRequestAuthorizer
{
    private readonly string _sas;

    /// <param name="sas">The SAS query, with or without the leading '?'.</param>
    public SasAuthorizer(string sas)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sas);
        _sas = sas.TrimStart('?');
        if (!_sas.Contains("sig=", StringComparison.Ordinal))
        {
            throw new ArgumentException("A shared access signature must carry a 'sig' parameter.", nameof(sas));
        }
    }

    public ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Uri uri = request.RequestUri!;
        request.RequestUri = new Uri(uri.AbsoluteUri + (uri.Query.Length > 0 ? "&" : "?") + _sas);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Microsoft Entra ID: a bearer token for <c>https://storage.azure.com/.default</c> from any Azure.Identity
/// credential (managed identity in Azure). Tokens are reused until five minutes before they expire.
/// </summary>
public sealed class BearerTokenAuthorizer(TokenCredential credential) : IStorageRequestAuthorizer
{
    public const string StorageScope = "https://storage.azure.com/.default";
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential _credential = Check.NotNull(credential);

    // A reference, not the AccessToken struct, so concurrent requests never read a torn token. Two requests
    // may refresh at once; that costs one extra token request and needs no lock.
    private volatile CachedToken? _token;

    public async ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CachedToken? token = _token;
        if (token is null || token.ExpiresOn - RefreshMargin <= DateTimeOffset.UtcNow)
        {
            AccessToken fresh = await _credential.GetTokenAsync(new TokenRequestContext([StorageScope]), cancellationToken).ConfigureAwait(false);
            _token = token = new CachedToken(fresh.Token, fresh.ExpiresOn);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
    }

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresOn);
}
