namespace ServerlessStitch.Storage;

/// <summary>How a write is committed and what it records beside the content.</summary>
public sealed record BlobWriteOptions
{
    /// <summary>When the commit may happen; <see cref="BlobCondition.None"/> replaces whatever is there.</summary>
    public BlobCondition Condition { get; init; } = BlobCondition.None;

    public string ContentType { get; init; } = "application/octet-stream";

    /// <summary>User metadata; keys must be identifiers (letters, digits, '_'), values printable ASCII.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>The precondition of a commit (HTTP If-None-Match / If-Match semantics).</summary>
public sealed record BlobCondition
{
    private BlobCondition(string? ifMatch, bool ifNoneMatchAny)
    {
        IfMatchETag = ifMatch;
        IfNotExists = ifNoneMatchAny;
    }

    /// <summary>Commit unconditionally.</summary>
    public static BlobCondition None { get; } = new(null, false);

    /// <summary>Commit only if no blob has that name (If-None-Match: *); otherwise <see cref="BlobAlreadyExistsException"/>.</summary>
    public static BlobCondition IfNoneExists { get; } = new(null, true);

    /// <summary>Commit only if the blob is still at <paramref name="etag"/>; otherwise <see cref="BlobPreconditionFailedException"/>.</summary>
    public static BlobCondition IfMatch(string etag)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(etag);
        return new(etag, false);
    }

    public string? IfMatchETag { get; }

    public bool IfNotExists { get; }
}
