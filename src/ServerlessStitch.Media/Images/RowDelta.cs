using System.Numerics;

namespace ServerlessStitch.Media;

/// <summary>
/// PNG's "Up" filter: each row stored as its difference to the row above, modulo 256. Neighbouring
/// rows of a video frame are alike, so the differences are small numbers that deflate packs far
/// better than the pixels themselves; the loops are vectorised.
/// </summary>
internal static class RowDelta
{
    /// <summary>destination = row - above.</summary>
    public static void Encode(ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, Span<byte> destination)
    {
        var i = 0;
        for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            (new Vector<byte>(row[i..]) - new Vector<byte>(above[i..])).CopyTo(destination[i..]);
        }

        for (; i < row.Length; i++)
        {
            destination[i] = (byte)(row[i] - above[i]);
        }
    }

    /// <summary>row += above, undoing <see cref="Encode"/> in place.</summary>
    public static void Decode(Span<byte> row, ReadOnlySpan<byte> above)
    {
        var i = 0;
        for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            (new Vector<byte>(row[i..]) + new Vector<byte>(above[i..])).CopyTo(row[i..]);
        }

        for (; i < row.Length; i++)
        {
            row[i] = (byte)(row[i] + above[i]);
        }
    }

    /// <summary>Writes the filtered frame into <paramref name="destination"/>; the first row is copied as is.</summary>
    public static void EncodeFrame(Frame frame, Span<byte> destination)
    {
        var pixels = frame.Pixels.AsSpan();
        var stride = frame.Stride;
        pixels[..stride].CopyTo(destination);
        for (var y = 1; y < frame.Height; y++)
        {
            Encode(pixels.Slice(y * stride, stride), pixels.Slice((y - 1) * stride, stride), destination.Slice(y * stride, stride));
        }
    }

    /// <summary>Undoes <see cref="EncodeFrame"/> in place, top to bottom.</summary>
    public static void DecodeFrame(Span<byte> pixels, int stride)
    {
        for (var start = stride; start < pixels.Length; start += stride)
        {
            Decode(pixels.Slice(start, stride), pixels.Slice(start - stride, stride));
        }
    }
}
