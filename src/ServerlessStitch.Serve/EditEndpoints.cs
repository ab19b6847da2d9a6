using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Serve;

/// <summary>
/// The routes, shaped like the Durable Functions HTTP API: start (202 + management payload), status (202 while
/// running, 200 when done), raise event, terminate, purge, and the finished job's files.
/// </summary>
internal sealed class EditEndpoints(EditRequestParser parser, EditSubmitter submitter, LocalWorkflowHost host, IBlobStore store, ServeOptions options)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", () => Results.Json(new { status = "healthy" }));
        routes.MapPost("/api/edits", (Delegate)StartAsync);
        routes.MapGet("/api/edits/{id}", StatusAsync);
        routes.MapPost("/api/edits/{id}/raiseEvent/{eventName}", RaiseEventAsync);
        routes.MapPost("/api/edits/{id}/terminate", TerminateAsync);
        routes.MapDelete("/api/edits/{id}", PurgeAsync);
        routes.MapGet("/api/edits/{id}/files/{file}", FileAsync);
    }

    private async Task<IResult> StartAsync(HttpContext context)
    {
        var request = context.Request;
        var parsed = await parser.ParseAsync(request, context.RequestAborted).ConfigureAwait(false);
        var submitted = parsed.IsUpload
            ? await submitter.SubmitStreamAsync(request.Body, request.Headers["x-file-name"].ToString(), parsed.Request, context.RequestAborted).ConfigureAwait(false)
            : await submitter.SubmitBlobAsync(parsed.SourceContainer!, parsed.SourceBlob!, parsed.Request, context.RequestAborted).ConfigureAwait(false);
        var payload = ManagementPayloads.For(Origin(request), submitted.InstanceId);
        SetRetryAfter(context);
        return Results.Accepted(payload.StatusQueryGetUri.AbsoluteUri, payload);
    }

    private async Task<IResult> StatusAsync(HttpContext context, string id)
    {
        var status = await host.GetStatusAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (status is null)
        {
            return NotFound(id);
        }
        var payload = ManagementPayloads.Status(Origin(context.Request), status);
        if (status.IsTerminal)
        {
            return Results.Json(payload, ErrorResponses.Json);
        }
        SetRetryAfter(context);
        context.Response.Headers.Location = ManagementPayloads.StatusUri(Origin(context.Request), id).AbsoluteUri;
        return Results.Json(payload, ErrorResponses.Json, statusCode: StatusCodes.Status202Accepted);
    }

    private async Task<IResult> RaiseEventAsync(HttpContext context, string id, string eventName)
    {
        if (await host.GetStatusAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } status)
        {
            return NotFound(id);
        }
        if (status.IsTerminal)
        {
            return ErrorResponses.Result(StatusCodes.Status410Gone, "InstanceFinished", $"Instance '{id}' is {status.RuntimeStatus}; it takes no more events.");
        }
        using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
        await host.RaiseEventAsync(id, eventName, body.RootElement.Clone(), context.RequestAborted).ConfigureAwait(false);
        return Results.Accepted();
    }

    private async Task<IResult> TerminateAsync(HttpContext context, string id, string? reason)
    {
        if (await host.GetStatusAsync(id, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }
        return await host.TerminateAsync(id, string.IsNullOrWhiteSpace(reason) ? "Terminated through the HTTP API." : reason, context.RequestAborted).ConfigureAwait(false)
            ? Results.Accepted()
            : ErrorResponses.Result(StatusCodes.Status410Gone, "InstanceFinished", $"Instance '{id}' has already finished.");
    }

    private async Task<IResult> PurgeAsync(HttpContext context, string id)
    {
        var status = await host.GetStatusAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (status is null)
        {
            return NotFound(id);
        }
        if (!status.IsTerminal)
        {
            return ErrorResponses.Result(StatusCodes.Status409Conflict, "InstanceRunning", $"Instance '{id}' is {status.RuntimeStatus}; terminate it before purging.");
        }
        await host.PurgeAsync(id, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { instancesDeleted = 1 }, ErrorResponses.Json);
    }

    private async Task<IResult> FileAsync(HttpContext context, string id, string file)
    {
        if (!ManagementPayloads.Files.Contains(file, StringComparer.Ordinal))
        {
            return ErrorResponses.Result(StatusCodes.Status404NotFound, "FileNotFound", $"A job has no file '{file}'; it has {string.Join(", ", ManagementPayloads.Files)}.");
        }
        var status = await host.GetStatusAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (status is null)
        {
            return NotFound(id);
        }
        if (status.RuntimeStatus != WorkflowRuntimeStatus.Completed)
        {
            return ErrorResponses.Result(StatusCodes.Status409Conflict, "InstanceNotCompleted", $"Instance '{id}' is {status.RuntimeStatus}; its files exist once it is Completed.");
        }
        var download = await store.OpenReadAsync(JobPaths.Container, new JobPaths(id).Prefix + file, null, context.RequestAborted).ConfigureAwait(false);
        context.Response.RegisterForDisposeAsync(download);
        string type = Path.GetExtension(file) switch { ".mp4" => "video/mp4", ".png" => "image/png", _ => "application/json" };
        return Results.Stream(download.Content, type, fileDownloadName: file);
    }

    private void SetRetryAfter(HttpContext context) =>
        context.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    private static IResult NotFound(string id) =>
        ErrorResponses.Result(StatusCodes.Status404NotFound, "InstanceNotFound", $"There is no edit instance '{id}'.");

    private static Uri Origin(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");
}
