using System.Net;
using System.Net.Sockets;

namespace ServerlessStitch.Storage;

/// <summary>
/// Sends storage REST requests: stamps the API version, authorizes each attempt, retries transient failures with
/// backoff, and turns an unreachable endpoint into <see cref="StorageUnavailableException"/>. Shared by the blob
/// client and a queue client.
/// </summary>
public sealed class StorageHttpPipeline(HttpClient httpClient, IStorageRequestAuthorizer authorizer, StorageRetryOptions retry, Uri endpoint)
{
    /// <summary>The REST API version we speak; Azurite accepts it with or without --skipApiVersionCheck.</summary>
    public const string ApiVersion = "2021-12-02";

    private readonly HttpClient _http = Check.NotNull(httpClient);
    private readonly IStorageRequestAuthorizer _authorizer = Check.NotNull(authorizer);
    private readonly StorageRetryOptions _retry = Check.NotNull(retry);
    private readonly Uri _endpoint = Check.NotNull(endpoint);

    /// <summary>
    /// Sends a fresh request from <paramref name="createRequest"/> per attempt and returns the first response that is
    /// not transient, or the last one. Cancelling stops the request and any wait between attempts.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, HttpCompletionOption completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createRequest);
        for (int attempt = 1; ; attempt++)
        {
            using HttpRequestMessage request = createRequest();
            request.Headers.Add("x-ms-version", ApiVersion);
            await _authorizer.AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                if (attempt >= _retry.MaxAttempts)
                {
                    throw new StorageUnavailableException(
                        $"The storage endpoint {_endpoint} did not answer {request.Method} after {attempt} attempts ({e.Message}). " +
                        "Check that it is running and reachable (for local runs start Azurite: tools/azurite/node_modules/.bin/azurite, installed by scripts/setup.sh) " +
                        "and that the connection string names the right endpoint.",
                        e);
                }

                await Task.Delay(_retry.DelayBefore(attempt + 1), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!IsTransient(response.StatusCode) || attempt >= _retry.MaxAttempts)
            {
                return response;
            }

            TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;
            response.Dispose();
            await Task.Delay(_retry.DelayBefore(attempt + 1, retryAfter), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Timeouts, throttling and server faults pass; client errors (4xx) would fail again.</summary>
    public static bool IsTransient(HttpStatusCode status)
        => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>A dropped or refused connection, or an attempt that timed out while the caller had not cancelled.</summary>
    private static bool IsTransient(Exception e, CancellationToken cancellationToken)
        => e switch
        {
            HttpRequestException or IOException or SocketException => true,
            TaskCanceledException => !cancellationToken.IsCancellationRequested,
            _ => false,
        };
}
