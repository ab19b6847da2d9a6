using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ServerlessStitch.Serve;

/// <summary>
/// The function-key check: every route but <c>GET /health</c> needs the configured key in the
/// <c>x-functions-key</c> header or the <c>code</c> query parameter, else 401 with a JSON error.
/// </summary>
internal sealed class ApiKeyCheck(string? apiKey)
{
    public const string HeaderName = "x-functions-key";

    // Hashes are compared, so neither the key's length nor its bytes show in the timing.
    private readonly byte[]? _keyHash = string.IsNullOrEmpty(apiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public bool IsOpen(HttpRequest request) =>
        _keyHash is null || (HttpMethods.IsGet(request.Method) && request.Path.Equals("/health", StringComparison.OrdinalIgnoreCase));

    public bool Accepts(string? presented) =>
        _keyHash is null || (presented is not null && CryptographicOperations.FixedTimeEquals(_keyHash, SHA256.HashData(Encoding.UTF8.GetBytes(presented))));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        string? presented = request.Headers.TryGetValue(HeaderName, out var header) ? header.ToString()
            : request.Query.TryGetValue("code", out var code) ? code.ToString() : null;
        if (IsOpen(request) || Accepts(presented))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        await ErrorResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
            $"This endpoint needs the API key in the {HeaderName} header or the code query parameter.").ConfigureAwait(false);
    }
}
