using System.Buffers.Binary;
using System.IO.Compression;

namespace ServerlessStitch.Media;

/// <summary>
/// A compact lossless container for a run of frames passed between activities through blobs.
/// <code>
/// offset size  field (little-endian)
///   0     4    magic "SSFC"
///   4     1    version (1)
///   5     1    compression (<see cref="FrameChunkCompression"/>)
///   6     1    channels (1..4)
///   7     1    reserved (0)
///   8     4    width
///  12     4    height
///  16     4    frame count N
///  20     8    Fletcher-64 of the header (checksum field as zero) and the uncompressed pixels
///  28    4N    frame indices (int32)
///  ...         payload: N frames of width*height*channels bytes, compressed as the header says
/// </code>
/// The checksum sits in the header because a decompressor may read past the end of its data, so
/// a trailer after a compressed payload could not be located reliably.
/// <para>
/// Which compression (bench/results/media.md, 2 shared cores): on the rendered 256x256 face
/// samples the row delta followed by Brotli quality 1 stores 0.29-0.41 of the raw size at
/// 58-66 MB/s write and 71-94 MB/s read, against 0.41-0.58 for row delta + deflate (51-83 /
/// 101-164 MB/s), 0.65-0.79 for plain deflate and 0.41-0.58 for PNG. On noisy 720p it stores 0.448
/// (plain Brotli 0.443, deflate 0.636) at 38 / 72 MB/s. Smallest on faces, within 1% of the best
/// elsewhere, and still far faster than the model stages that consume the frames, so it is the
/// default; None remains for local runs where size does not matter.
/// </para>
/// </summary>
public sealed class FrameChunkCodec(FrameChunkCompression compression = FrameChunkCodec.DefaultCompression)
{
    /// <summary>The compression the benchmark picked (bench/results/media.md).</summary>
    public const FrameChunkCompression DefaultCompression = FrameChunkCompression.RowDeltaBrotli;

    internal const int FixedHeaderBytes = 28;
    private const byte Version = 1;
    private const int MaxDimension = 16_384;
    private const int MaxFrames = 100_000;
    private static ReadOnlySpan<byte> Magic => "SSFC"u8;

    public FrameChunkCompression Compression { get; } = Enum.IsDefined(compression) ? compression : throw new ArgumentOutOfRangeException(nameof(compression));

    /// <summary>Writes <paramref name="frames"/> (all the same size) to <paramref name="destination"/>. Cancelling stops between frames.</summary>
    public async Task WriteAsync(Stream destination, IReadOnlyList<Frame> frames, CancellationToken cancellationToken = default)
    {
        Check.NotNull(destination);
        Check.NotNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("A chunk holds at least one frame.", nameof(frames));
        }

        var first = frames[0];
        if (frames.Any(f => f.Width != first.Width || f.Height != first.Height || f.Channels != first.Channels))
        {
            throw new ArgumentException("All frames of a chunk must have the same width, height and channels.", nameof(frames));
        }

        var header = Header(first.Width, first.Height, first.Channels, frames);
        var checksum = new Fletcher64();
        checksum.Append(header);
        foreach (var frame in frames)
        {
            checksum.Append(frame.Pixels);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(20, 8), checksum.Value);
        await destination.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        var rowDelta = Compression is FrameChunkCompression.RowDeltaDeflate or FrameChunkCompression.RowDeltaBrotli;
        var filtered = rowDelta ? new byte[first.Pixels.Length] : [];
        var payload = OpenPayloadWriter(destination);
        await using (payload.ConfigureAwait(false))
        {
            foreach (var frame in frames)
            {
                if (rowDelta)
                {
                    RowDelta.EncodeFrame(frame, filtered);
                }

                await payload.WriteAsync(rowDelta ? filtered : frame.Pixels, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads a chunk written by <see cref="WriteAsync"/> in any compression. <paramref name="name"/>
    /// names the chunk (e.g. its blob name) in errors. Cancelling stops between frames.
    /// </summary>
    /// <exception cref="FrameChunkCorruptException">Wrong magic or version, impossible header, truncated payload, or checksum mismatch.</exception>
    public static async Task<IReadOnlyList<Frame>> ReadAsync(Stream source, string name, CancellationToken cancellationToken = default)
    {
        Check.NotNull(source);
        var fixedHeader = new byte[FixedHeaderBytes];
        await ReadExactlyAsync(source, fixedHeader, name, "header", cancellationToken).ConfigureAwait(false);
        var (width, height, channels, count, stored, compressionUsed) = ParseFixedHeader(fixedHeader, name);
        var indices = new byte[count * 4];
        await ReadExactlyAsync(source, indices, name, "frame indices", cancellationToken).ConfigureAwait(false);

        var checksum = new Fletcher64();
        BinaryPrimitives.WriteUInt64LittleEndian(fixedHeader.AsSpan(20, 8), 0);
        checksum.Append(fixedHeader);
        checksum.Append(indices);
        var frameBytes = width * height * channels;
        var frames = new List<Frame>(count);
        var payload = OpenPayloadReader(source, compressionUsed);
        await using (payload.ConfigureAwait(false))
        {
            for (var i = 0; i < count; i++)
            {
                var pixels = new byte[frameBytes];
                await ReadExactlyAsync(payload, pixels, name, $"frame {i + 1} of {count}", cancellationToken).ConfigureAwait(false);
                if (compressionUsed is FrameChunkCompression.RowDeltaDeflate or FrameChunkCompression.RowDeltaBrotli)
                {
                    RowDelta.DecodeFrame(pixels, width * channels);
                }

                checksum.Append(pixels);
                var index = BinaryPrimitives.ReadInt32LittleEndian(indices.AsSpan(i * 4, 4));
                if (index < 0)
                {
                    throw new FrameChunkCorruptException(name, $"frame {i + 1} has a negative index ({index})");
                }

                frames.Add(new Frame(index, width, height, channels, pixels));
            }
        }

        if (checksum.Value != stored)
        {
            throw new FrameChunkCorruptException(name, "checksum mismatch: the chunk was damaged after it was written");
        }

        return frames;
    }

    private byte[] Header(int width, int height, int channels, IReadOnlyList<Frame> frames)
    {
        var header = new byte[FixedHeaderBytes + (frames.Count * 4)];
        Magic.CopyTo(header);
        header[4] = Version;
        header[5] = (byte)Compression;
        header[6] = checked((byte)channels);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), width);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), height);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(FixedHeaderBytes + (i * 4)), frames[i].Index);
        }

        return header;
    }

    private static (int Width, int Height, int Channels, int Count, ulong Checksum, FrameChunkCompression Compression) ParseFixedHeader(byte[] header, string name)
    {
        if (!header.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new FrameChunkCorruptException(name, "not a frame chunk (bad magic)");
        }

        if (header[4] != Version)
        {
            throw new FrameChunkCorruptException(name, $"unsupported chunk version {header[4]} (this build reads {Version})");
        }

        var compressionUsed = (FrameChunkCompression)header[5];
        if (!Enum.IsDefined(compressionUsed))
        {
            throw new FrameChunkCorruptException(name, $"unknown compression {header[5]}");
        }

        var channels = header[6];
        var width = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        var height = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        var count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16));
        // Bounds keep a damaged header from asking for absurd allocations.
        if (channels is < 1 or > 4 || width is < 1 or > MaxDimension || height is < 1 or > MaxDimension || count is < 1 or > MaxFrames
            || (long)width * height * channels > Array.MaxLength)
        {
            throw new FrameChunkCorruptException(name, $"impossible header: {width}x{height}x{channels}, {count} frames");
        }

        return (width, height, channels, count, BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(20)), compressionUsed);
    }

    private Stream OpenPayloadWriter(Stream destination) => Compression switch
    {
        FrameChunkCompression.Deflate or FrameChunkCompression.RowDeltaDeflate => new DeflateStream(destination, CompressionLevel.Fastest, leaveOpen: true),
        FrameChunkCompression.Brotli or FrameChunkCompression.RowDeltaBrotli => new BrotliStream(destination, CompressionLevel.Fastest, leaveOpen: true),
        _ => new NonClosingStream(destination),
    };

    private static Stream OpenPayloadReader(Stream source, FrameChunkCompression compression) => compression switch
    {
        FrameChunkCompression.Deflate or FrameChunkCompression.RowDeltaDeflate => new DeflateStream(source, CompressionMode.Decompress, leaveOpen: true),
        FrameChunkCompression.Brotli or FrameChunkCompression.RowDeltaBrotli => new BrotliStream(source, CompressionMode.Decompress, leaveOpen: true),
        _ => new NonClosingStream(source),
    };

    private static async Task ReadExactlyAsync(Stream stream, byte[] buffer, string name, string part, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw new FrameChunkCorruptException(name, $"truncated: the data ends inside the {part}");
        }
        catch (InvalidDataException ex)
        {
            throw new FrameChunkCorruptException(name, $"the compressed data is damaged in the {part} ({ex.Message})");
        }
    }
}
