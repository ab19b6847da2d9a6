namespace ServerlessStitch.Storage;

/// <summary>A byte range of a blob: from <see cref="Offset"/>, <see cref="Length"/> bytes, or to the end when null.</summary>
public readonly record struct BlobRange
{
    public BlobRange(long offset, long? length = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(length));
        }

        Offset = offset;
        Length = length;
    }

    public long Offset { get; }

    public long? Length { get; }

    /// <summary>The HTTP form, e.g. <c>bytes=10-19</c>, or <c>bytes=10-</c> for an open end.</summary>
    public string ToHttpRange() => Length is { } l ? $"bytes={Offset}-{Offset + l - 1}" : $"bytes={Offset}-";
}
