using System.Buffers.Binary;
using System.IO.Compression;

namespace ServerlessStitch.Media;

/// <summary>
/// Writes a frame as an 8-bit PNG (grey, RGB or RGBA by channel count) with System.IO.Compression,
/// for previews and reports; no image library or ffmpeg run needed. Every row but the first uses
/// PNG's "Up" filter (<see cref="RowDelta"/>).
/// </summary>
public static class PngWriter
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Writes <paramref name="frame"/> to <paramref name="destination"/>.</summary>
    public static void Write(Stream destination, Frame frame, CompressionLevel level = CompressionLevel.Fastest)
    {
        Check.NotNull(destination);
        Check.NotNull(frame);
        destination.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, frame.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), frame.Height);
        header[8] = 8;
        header[9] = frame.Channels switch { 1 => 0, 2 => 4, 3 => 2, 4 => 6, _ => throw new ArgumentException($"PNG holds 1 to 4 channels, not {frame.Channels}.", nameof(frame)) };
        WriteChunk(destination, "IHDR"u8, header);
        WriteChunk(destination, "IDAT"u8, CompressRows(frame, level));
        WriteChunk(destination, "IEND"u8, []);
    }

    /// <summary>Writes <paramref name="frame"/> to <paramref name="path"/>, which appears only when complete. Cancelling stops before the rename.</summary>
    public static async Task WriteFileAsync(string path, Frame frame, CancellationToken cancellationToken = default)
    {
        using var output = new AtomicOutput(path);
        var file = new FileStream(output.TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            Write(buffer, frame);
            buffer.Position = 0;
            await buffer.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        output.Commit();
    }

    private static byte[] CompressRows(Frame frame, CompressionLevel level)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            var stride = frame.Stride;
            var filtered = new byte[stride + 1];
            var pixels = frame.Pixels.AsSpan();
            for (var y = 0; y < frame.Height; y++)
            {
                var row = pixels.Slice(y * stride, stride);
                if (y == 0)
                {
                    filtered[0] = 0; // None: there is no row above.
                    row.CopyTo(filtered.AsSpan(1));
                }
                else
                {
                    filtered[0] = 2; // Up
                    RowDelta.Encode(row, pixels.Slice((y - 1) * stride, stride), filtered.AsSpan(1));
                }

                zlib.Write(filtered);
            }
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        destination.Write(number);
        destination.Write(type);
        destination.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32.Compute(type, data));
        destination.Write(number);
    }
}
