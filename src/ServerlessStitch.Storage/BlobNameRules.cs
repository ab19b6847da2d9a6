using System.Net.Http.Headers;
using System.Text;

namespace ServerlessStitch.Storage;

/// <summary>
/// The names every store accepts. They are the intersection of what Azure Blob Storage and a POSIX file
/// system can hold without surprises, so a job written to one store can move to the other unchanged.
/// </summary>
public static class BlobNameRules
{
    /// <summary>Azure's limit on a blob name, in characters.</summary>
    public const int MaxNameLength = 1024;

    /// <summary>The usual file-system limit on one path segment, in UTF-8 bytes.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>Azure's limit on the number of path segments.</summary>
    public const int MaxSegments = 254;

    /// <summary>Throws <see cref="InvalidBlobNameException"/> unless <paramref name="container"/> is a valid Azure container name.</summary>
    public static void ValidateContainer(string container)
    {
        ArgumentNullException.ThrowIfNull(container);
        string? problem = container.Length is < 3 or > 63 ? "must be 3 to 63 characters long"
            : !container.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') ? "may hold only lower-case letters, digits and '-'"
            : container[0] == '-' || container[^1] == '-' ? "must start and end with a letter or digit"
            : container.Contains("--", StringComparison.Ordinal) ? "must not contain '--'"
            : null;
        if (problem is not null)
        {
            throw new InvalidBlobNameException($"Container name '{Printable(container)}' {problem}.");
        }
    }

    /// <summary>Throws <see cref="InvalidBlobNameException"/> naming the broken rule unless <paramref name="name"/> is a valid blob name.</summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string? problem = FindProblem(name);
        if (problem is not null)
        {
            throw new InvalidBlobNameException($"Blob name '{Printable(name)}' {problem}.");
        }
    }

    /// <summary>Throws <see cref="InvalidBlobNameException"/> unless the prefix could start a valid name (empty is allowed).</summary>
    public static void ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return;
        }

        // A prefix may end inside a segment or with '/', so validate it as if a name continued it.
        string? problem = FindProblem(prefix.EndsWith('/') ? prefix + "x" : prefix);
        if (problem is not null)
        {
            throw new InvalidBlobNameException($"Blob name prefix '{Printable(prefix)}' {problem}.");
        }
    }

    /// <summary>Throws <see cref="InvalidBlobNameException"/> unless every key is an identifier and every value printable ASCII.</summary>
    public static void ValidateMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach ((string key, string value) in metadata)
        {
            bool keyIsIdentifier = key.Length > 0
                && (char.IsAsciiLetter(key[0]) || key[0] == '_')
                && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
            if (!keyIsIdentifier)
            {
                throw new InvalidBlobNameException($"Metadata key '{Printable(key)}' must be an identifier (ASCII letters, digits and '_', not starting with a digit).");
            }

            if (value is null || value.Any(c => c is < ' ' or > '~') || value != value.Trim())
            {
                throw new InvalidBlobNameException($"Metadata value of '{key}' must be printable ASCII without leading or trailing spaces (HTTP headers carry it).");
            }
        }
    }

    /// <summary>Validates what a write records beside the bytes: the metadata (as above) and a parseable content type.</summary>
    public static void ValidateWriteOptions(BlobWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateMetadata(options.Metadata);
        if (!MediaTypeHeaderValue.TryParse(options.ContentType, out _))
        {
            throw new ArgumentException($"Content type '{Printable(options.ContentType ?? string.Empty)}' is not a media type such as 'application/json'.", nameof(options));
        }
    }

    private static string? FindProblem(string name)
    {
        if (name.Length == 0)
        {
            return "is empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"is {name.Length} characters long; the limit is {MaxNameLength}";
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsControl(c))
            {
                return $"contains the control character U+{(int)c:X4} at position {i}";
            }

            if (c == '\\')
            {
                return $"contains a backslash at position {i}; use '/' to separate segments";
            }

            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++; // a valid pair: one non-BMP character such as an emoji
            }
            else if (char.IsSurrogate(c))
            {
                return $"contains an unpaired UTF-16 surrogate at position {i}";
            }
        }

        if (name[0] == '/')
        {
            return "starts with '/'; names are relative to their container";
        }

        if (name[^1] == '/')
        {
            return "ends with '/'";
        }

        string[] segments = name.Split('/');
        if (segments.Length > MaxSegments)
        {
            return $"has {segments.Length} segments; the limit is {MaxSegments}";
        }

        foreach (string segment in segments)
        {
            if (segment.Length == 0)
            {
                return "contains an empty segment ('//')";
            }

            if (segment is "." or "..")
            {
                return $"contains a '{segment}' segment, which could escape its container";
            }

            if (segment.EndsWith('.'))
            {
                return $"has a segment ending with '.' ('{segment}'), which Azure strips";
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                return $"has a segment longer than {MaxSegmentBytes} UTF-8 bytes";
            }
        }

        return null;
    }

    /// <summary>The name with control characters shown as \uXXXX so a message never carries them raw.</summary>
    private static string Printable(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (char c in value.Length > 200 ? value[..200] + "…" : value)
        {
            builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c);
        }

        return builder.ToString();
    }
}
