using System.Net;

namespace ServerlessStitch.Storage.Queues;

/// <summary>Turns an unsuccessful Queue REST response into the typed exceptions, keeping the service's code and message.</summary>
internal static class QueueErrorTranslator
{
    public static async Task<Exception> ToExceptionAsync(HttpResponseMessage response, string operation, string queue, string? messageId, CancellationToken cancellationToken)
    {
        string code = AzureErrorTranslator.ErrorCode(response) ?? response.StatusCode.ToString();
        string detail = await AzureErrorTranslator.ServiceMessageAsync(response, cancellationToken).ConfigureAwait(false);
        var inner = new HttpRequestException($"{(int)response.StatusCode} {code}: {detail}", null, response.StatusCode);
        string target = messageId is null ? $"queue '{queue}'" : $"message {messageId} in queue '{queue}'";
        return (response.StatusCode, code) switch
        {
            (HttpStatusCode.NotFound, "QueueNotFound") => QueueNotFoundException.For(queue, inner),
            (HttpStatusCode.NotFound, "MessageNotFound") or (HttpStatusCode.BadRequest, "PopReceiptMismatch") when messageId is not null
                => QueueMessageLostException.For(queue, messageId, operation, inner),
            (HttpStatusCode.RequestEntityTooLarge, _) or (_, "MessageTooLarge" or "RequestBodyTooLarge")
                => new QueueMessageTooLargeException($"Azure Storage refused a message for queue '{queue}' as too large ({code}: {detail}).", inner),
            (HttpStatusCode.Forbidden, _) => new StorageAccessDeniedException(
                $"Azure Storage denied the request to {operation} {target} ({code}: {detail}). Check the account key, that the SAS has not expired and grants this operation (r, a, u, p), or that the identity holds the 'Storage Queue Data Contributor' role.",
                inner),
            _ when StorageHttpPipeline.IsTransient(response.StatusCode) => new StorageUnavailableException(
                $"Azure Storage kept failing the request to {operation} {target} ({(int)response.StatusCode} {code}: {detail}) after every retry; try again later.",
                inner),
            _ => new BlobStoreException($"Azure Storage refused the request to {operation} {target}: {(int)response.StatusCode} {code}: {detail}", inner),
        };
    }
}
