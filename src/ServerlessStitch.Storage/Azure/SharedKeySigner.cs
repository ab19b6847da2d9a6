using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace ServerlessStitch.Storage;

/// <summary>
/// Signs Blob and Queue service requests with Shared Key (the format both services share since 2009-09-19):
/// the verb, twelve standard headers, the canonicalised x-ms-* headers and the canonicalised resource,
/// HMAC-SHA256'd with the account key. Kept apart from the blob client so the queue client reuses it.
/// </summary>
public sealed class SharedKeySigner(StorageSharedKeyCredential credential)
{
    private readonly StorageSharedKeyCredential _credential = Check.NotNull(credential);

    /// <summary>Adds <c>x-ms-date</c> (if missing) and the <c>Authorization</c> header. Call it last, after every other header is set.</summary>
    public void Sign(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.Contains("x-ms-date"))
        {
            request.Headers.Add("x-ms-date", DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture));
        }

        string signature = _credential.ComputeSignature(StringToSign(request));
        request.Headers.Authorization = new AuthenticationHeaderValue("SharedKey", $"{_credential.AccountName}:{signature}");
    }

    /// <summary>The exact string the service recomputes; exposed for diagnosing 403 AuthenticationFailed.</summary>
    public string StringToSign(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpContentHeaders? content = request.Content?.Headers;
        long? contentLength = content?.ContentLength;
        var builder = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(Joined(content?.ContentEncoding)).Append('\n')
            .Append(Joined(content?.ContentLanguage)).Append('\n')
            .Append(contentLength is null or 0 ? string.Empty : contentLength.Value.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(content?.ContentMD5 is { } md5 ? Convert.ToBase64String(md5) : string.Empty).Append('\n')
            .Append(content?.ContentType?.ToString() ?? string.Empty).Append('\n')
            .Append(string.Empty).Append('\n') // Date: x-ms-date is used instead
            .Append(Header(request, "If-Modified-Since")).Append('\n')
            .Append(Header(request, "If-Match")).Append('\n')
            .Append(Header(request, "If-None-Match")).Append('\n')
            .Append(Header(request, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request, "Range")).Append('\n');
        AppendCanonicalizedHeaders(builder, request);
        AppendCanonicalizedResource(builder, request.RequestUri!);
        return builder.ToString();
    }

    private static void AppendCanonicalizedHeaders(StringBuilder builder, HttpRequestMessage request)
    {
        var msHeaders = request.Headers
            .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(',', h.Value).Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach ((string name, string value) in msHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
    }

    /// <summary>"/account" + the path as sent (still percent-encoded), then each query parameter, decoded, sorted by name.</summary>
    private void AppendCanonicalizedResource(StringBuilder builder, Uri uri)
    {
        builder.Append('/').Append(_credential.AccountName).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        string query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return;
        }

        var parameters = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (Name: Uri.UnescapeDataString(parts[0]).ToLowerInvariant(), Value: parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty))
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            builder.Append('\n').Append(parameter.Key).Append(':')
                .Append(string.Join(',', parameter.Select(p => p.Value).Order(StringComparer.Ordinal)));
        }
    }

    private static string Header(HttpRequestMessage request, string name)
        => request.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : string.Empty;

    private static string Joined(ICollection<string>? values) => values is null ? string.Empty : string.Join(',', values);
}
