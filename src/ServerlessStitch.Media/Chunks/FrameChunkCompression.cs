namespace ServerlessStitch.Media;

/// <summary>How a chunk's pixels are stored. The numeric values are written in the chunk header and must not change.</summary>
public enum FrameChunkCompression : byte
{
    /// <summary>Pixels as they are: fastest, largest.</summary>
    None = 0,

    /// <summary>Raw deflate at the fastest level (System.IO.Compression).</summary>
    Deflate = 1,

    /// <summary>Brotli at quality 1.</summary>
    Brotli = 2,

    /// <summary>Each row as its difference to the row above (PNG's Up filter), then <see cref="Deflate"/>.</summary>
    RowDeltaDeflate = 3,

    /// <summary>Each row as its difference to the row above, then <see cref="Brotli"/>.</summary>
    RowDeltaBrotli = 4,
}
