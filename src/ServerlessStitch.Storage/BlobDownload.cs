namespace ServerlessStitch.Storage;

/// <summary>An open read of one blob version: its properties and a stream of the requested bytes.</summary>
public sealed class BlobDownload(BlobProperties properties, Stream content) : IAsyncDisposable, IDisposable
{
    /// <summary>Properties of the whole blob (Length is the whole length, not the range's).</summary>
    public BlobProperties Properties { get; } = properties;

    /// <summary>The requested bytes; forward-only.</summary>
    public Stream Content { get; } = content;

    public ValueTask DisposeAsync() => Content.DisposeAsync();

    public void Dispose() => Content.Dispose();
}
