using System.Net;
using System.Xml.Linq;

namespace ServerlessStitch.Storage;

/// <summary>Turns an unsuccessful Blob REST response into the store's typed exceptions, keeping the service's code and message.</summary>
internal static class AzureErrorTranslator
{
    /// <summary>The service's error code (x-ms-error-code), e.g. BlobNotFound, ConditionNotMet.</summary>
    public static string? ErrorCode(HttpResponseMessage response)
        => response.Headers.TryGetValues("x-ms-error-code", out var codes) ? codes.FirstOrDefault() : null;

    public static async Task<Exception> ToExceptionAsync(HttpResponseMessage response, string operation, string container, string? name, BlobCondition? condition, CancellationToken cancellationToken)
    {
        string code = ErrorCode(response) ?? response.StatusCode.ToString();
        string detail = await ServiceMessageAsync(response, cancellationToken).ConfigureAwait(false);
        var inner = new HttpRequestException($"{(int)response.StatusCode} {code}: {detail}", null, response.StatusCode);
        string target = name is null ? $"container '{container}'" : $"blob '{name}' in container '{container}'";
        return (response.StatusCode, code) switch
        {
            (HttpStatusCode.NotFound, "ContainerNotFound") when name is null || operation is "write" => ContainerNotFoundException.For(container, inner),
            (HttpStatusCode.NotFound, _) when name is not null => BlobNotFoundException.For(container, name, inner),
            (HttpStatusCode.NotFound, _) => ContainerNotFoundException.For(container, inner),
            (HttpStatusCode.Conflict, "BlobAlreadyExists") => BlobAlreadyExistsException.For(container, name!, inner),
            (HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict, _) when condition?.IfNotExists == true => BlobAlreadyExistsException.For(container, name!, inner),
            (HttpStatusCode.PreconditionFailed, _) when condition?.IfMatchETag is { } etag => BlobPreconditionFailedException.ETagMismatch(container, name!, etag, inner),
            (HttpStatusCode.Forbidden, _) => new StorageAccessDeniedException(
                $"Azure Storage denied {operation} of {target} ({code}: {detail}). Check the account key, that the SAS has not expired and grants this operation, or that the identity holds the 'Storage Blob Data Contributor' role.",
                inner),
            _ when StorageHttpPipeline.IsTransient(response.StatusCode) => new StorageUnavailableException(
                $"Azure Storage kept failing {operation} of {target} ({(int)response.StatusCode} {code}: {detail}) after every retry; try again later.",
                inner),
            _ => new BlobStoreException($"Azure Storage refused {operation} of {target}: {(int)response.StatusCode} {code}: {detail}", inner),
        };
    }

    /// <summary>The &lt;Message&gt; of the XML error body, or the reason phrase when there is none (HEAD responses).</summary>
    internal static async Task<string> ServiceMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string? message = body.Length == 0 ? null : XDocument.Parse(body).Root?.Element("Message")?.Value;
            return (message ?? response.ReasonPhrase ?? string.Empty).Split('\n')[0].Trim();
        }
        catch (System.Xml.XmlException)
        {
            return response.ReasonPhrase ?? string.Empty;
        }
    }
}
