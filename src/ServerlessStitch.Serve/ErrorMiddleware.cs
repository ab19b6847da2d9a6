using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ServerlessStitch.Serve;

/// <summary>
/// Turns exceptions into JSON errors: the request's own errors into 400 naming what was wrong, Kestrel's body
/// limit into 413, anything else into a 500 that says only that the server failed (the trace goes to the log).
/// </summary>
internal sealed class ErrorMiddleware(ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            bool tooLarge = e.StatusCode == StatusCodes.Status413PayloadTooLarge;
            await ErrorResponses.WriteAsync(context, e.StatusCode, tooLarge ? "RequestTooLarge" : "BadRequest",
                tooLarge ? $"The request body is larger than this server's limit ({e.Message})." : e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (ErrorResponses.IsRequestError(e) && !context.Response.HasStarted)
        {
            Logs.RequestRefused(logger, context.Request.Method, context.Request.Path, ErrorResponses.TypeOf(e), e.Message);
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorResponses.TypeOf(e), e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            Logs.RequestFailed(logger, e, context.Request.Method, context.Request.Path);
            await ErrorResponses.WriteAsync(context, StatusCodes.Status500InternalServerError, "InternalError",
                "The server failed while handling this request; the server log has the details.").ConfigureAwait(false);
        }
    }
}
