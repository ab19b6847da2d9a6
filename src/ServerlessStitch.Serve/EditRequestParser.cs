using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessStitch.Pipeline.Job;

namespace ServerlessStitch.Serve;

/// <summary>
/// The JSON form of <c>POST /api/edits</c>: a blob of the store as <c>container/name</c>, the edits, and the
/// optional knobs (absent = the server's defaults).
/// </summary>
public sealed record EditApiRequest
{
    public string? Source { get; init; }
    public IReadOnlyList<string>? Edits { get; init; }
    public int? ChunkSize { get; init; }
    public int? PtiPasses { get; init; }
    public int? StitchingIterations { get; init; }
}

/// <summary>What <c>POST /api/edits</c> asked for: the request and either a source blob or the upload in the body.</summary>
internal sealed record ParsedSubmission(EditRequest Request, string? SourceContainer, string? SourceBlob)
{
    public bool IsUpload => SourceBlob is null;
}

/// <summary>
/// Reads <c>POST /api/edits</c>: <c>application/json</c> (an <see cref="EditApiRequest"/> naming a source blob) or
/// a raw video body (any other content type) with the edits as repeated <c>edit</c> query parameters and the
/// knobs as <c>chunkSize</c>, <c>ptiPasses</c>, <c>stitchingIterations</c>. Checks only the shape: the edits and
/// the video are validated by the job submit.
/// </summary>
internal sealed class EditRequestParser(EditDefaults defaults)
{
    /// <summary>Parses the JSON form or the query of an upload. Cancelling stops reading the JSON body.</summary>
    public async Task<ParsedSubmission> ParseAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        if (request.HasJsonContentType())
        {
            var body = await JsonSerializer.DeserializeAsync<EditApiRequest>(request.Body, ErrorResponses.Json, cancellationToken).ConfigureAwait(false)
                ?? throw new BadRequestException("InvalidRequest", "The JSON body is null; send { \"source\": \"container/blob\", \"edits\": [\"smile=1.5\"] }.");
            if (string.IsNullOrWhiteSpace(body.Source))
            {
                throw new BadRequestException("InvalidRequest", "The JSON body has no \"source\" (a blob as \"container/name\"); to upload a video, send it as the body with a video content type.");
            }
            int slash = body.Source.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == body.Source.Length - 1)
            {
                throw new BadRequestException("InvalidRequest", $"The source \"{body.Source}\" is not \"container/name\".");
            }
            var edit = Build(body.Edits, body.ChunkSize, body.PtiPasses, body.StitchingIterations);
            return new ParsedSubmission(edit, body.Source[..slash], body.Source[(slash + 1)..]);
        }
        var query = request.Query;
        return new ParsedSubmission(Build(query["edit"].Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e!).ToList(),
            Int(query, "chunkSize"), Int(query, "ptiPasses"), Int(query, "stitchingIterations")), null, null);
    }

    /// <summary>The job request: the edits with each knob from the caller or the defaults.</summary>
    public EditRequest Build(IReadOnlyList<string>? edits, int? chunkSize = null, int? ptiPasses = null, int? stitchingIterations = null)
    {
        if (edits is null || edits.Count == 0)
        {
            throw new BadRequestException("InvalidRequest", "No edits given: add \"edits\": [\"smile=1.5\"] (JSON) or ?edit=smile=1.5 (upload).");
        }
        var request = new EditRequest { Edits = [.. edits], ChunkSize = chunkSize ?? defaults.ChunkSize };
        if ((ptiPasses ?? defaults.PtiPasses) is int passes)
        {
            request = request with { Pti = request.Pti with { Passes = passes } };
        }
        if ((stitchingIterations ?? defaults.StitchingIterations) is int iterations)
        {
            request = request with { Stitching = request.Stitching with { Iterations = iterations } };
        }
        return request;
    }

    private static int? Int(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }
        return int.TryParse(values.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value
            : throw new BadRequestException("InvalidRequest", $"The query parameter {name}=\"{values}\" is not an integer.");
    }
}
