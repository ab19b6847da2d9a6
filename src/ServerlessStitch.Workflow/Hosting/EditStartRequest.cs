using System.Text.Json;
using ServerlessStitch.Pipeline.Job;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>A <c>POST /api/edits</c> body the Functions app cannot use; the message says what to send (the app answers 400 with it).</summary>
public sealed class EditStartRequestException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The JSON body of the Functions app's <c>POST /api/edits</c>, the same shape <c>stitch serve</c> accepts:
/// <c>{"source": "container/blob", "edits": ["smile=1.5"], "chunkSize": 16, "ptiPasses": 80, "stitchingIterations": 100}</c>
/// (knobs optional). In Azure the video is already a blob (uploaded to <c>videos-in</c>, which also starts it).
/// </summary>
public sealed record EditStartRequest
{
    public string? Source { get; init; }
    public IReadOnlyList<string>? Edits { get; init; }
    public int? ChunkSize { get; init; }
    public int? PtiPasses { get; init; }
    public int? StitchingIterations { get; init; }

    /// <summary>The source blob and the job request of a body, knobs defaulted from <paramref name="settings"/>.</summary>
    /// <exception cref="EditStartRequestException">Not JSON, no source of the form container/name, or no edits.</exception>
    public static (string Container, string Blob, EditRequest Request) Parse(string json, FunctionAppSettings settings)
    {
        Check.NotNull(settings);
        EditStartRequest? body;
        try
        {
            body = JsonSerializer.Deserialize<EditStartRequest>(json, WorkflowLimits.Json);
        }
        catch (JsonException e)
        {
            throw new EditStartRequestException($"The body is not an edit request ({e.Message}); send {{ \"source\": \"videos-in/clip.mp4\", \"edits\": [\"smile=1.5\"] }}.", e);
        }
        if (body is null || string.IsNullOrWhiteSpace(body.Source))
        {
            throw new EditStartRequestException("The body has no \"source\": name the video blob as \"container/name\" (upload it to videos-in first).");
        }
        int slash = body.Source.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == body.Source.Length - 1)
        {
            throw new EditStartRequestException($"The source \"{body.Source}\" is not \"container/name\".");
        }
        if (body.Edits is null || !body.Edits.Any(e => !string.IsNullOrWhiteSpace(e)))
        {
            throw new EditStartRequestException("No edits given: add \"edits\": [\"smile=1.5\"].");
        }
        var request = settings.Request([.. body.Edits.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim())], body.ChunkSize, body.PtiPasses, body.StitchingIterations);
        return (body.Source[..slash], body.Source[(slash + 1)..], request);
    }
}
