using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Serve;

/// <summary>The JSON error body: the error's type (e.g. <c>UnknownEdit</c>) and a message naming what was wrong.</summary>
public sealed record ErrorBody(string Error, string Message);

/// <summary>
/// Which exceptions are the caller's fault (400, their message shown) and how an error is written. Anything else is
/// a 500 whose body says only that the server failed: stack traces go to the log, never to the client.
/// </summary>
internal static class ErrorResponses
{
    /// <summary>The drops' JSON (camelCase; quotes and non-ASCII letters as they are): the bodies are application/json, never HTML.</summary>
    public static JsonSerializerOptions Json => DropDelivery.Json;

    /// <summary>The request's own errors: bad JSON, an unknown edit, a missing blob, not a video, over a limit, a bad name or knob.</summary>
    public static bool IsRequestError(Exception e) => e is JsonException or BadRequestException or MediaException or ModelException
        or EditSpecException or EditDirectionException or NoFaceFoundException or BlobNotFoundException or ContainerNotFoundException
        or InvalidBlobNameException or ArgumentException;

    /// <summary>The error type clients see: the exception's name without "Exception" (JsonException = InvalidJson).</summary>
    public static string TypeOf(Exception e) => e switch
    {
        JsonException => "InvalidJson",
        BadRequestException b => b.Error,
        _ => DropDelivery.ErrorType(e),
    };

    public static Task WriteAsync(HttpContext context, int status, string error, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(error, message), Json, context.RequestAborted);
    }

    public static IResult Result(int status, string error, string message) => Results.Json(new ErrorBody(error, message), Json, statusCode: status);
}

/// <summary>A request the server refuses before any work (a missing field, a body of the wrong type); <see cref="Error"/> is the type clients see.</summary>
public sealed class BadRequestException(string error, string message) : Exception(message)
{
    public string Error { get; } = error;
}
