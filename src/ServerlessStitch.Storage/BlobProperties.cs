namespace ServerlessStitch.Storage;

/// <summary>What a store knows about one committed blob version.</summary>
/// <param name="ETag">Opaque version tag; changes on every write; pass it to <see cref="BlobCondition.IfMatch"/>.</param>
/// <param name="ContentMd5">Base64 MD5 of the whole content, computed by the writer; null when the writer did not record it.</param>
/// <param name="Metadata">User metadata; keys are lower case (Azure compares them case-insensitively).</param>
public sealed record BlobProperties(
    string Name,
    long Length,
    string ETag,
    DateTimeOffset LastModified,
    string ContentType,
    string? ContentMd5,
    IReadOnlyDictionary<string, string> Metadata);
