using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ServerlessStitch.Media;

/// <summary>
/// Fletcher-64 over little-endian 32-bit words: two running sums, so it catches flipped bits,
/// swapped blocks and truncation at several GB/s without a package (System.IO.Hashing is not
/// available here). It guards against damage in storage or transit, not against tampering.
/// </summary>
internal sealed class Fletcher64
{
    private const int BlockWords = 90_000;

    private ulong low;
    private ulong high;
    private readonly byte[] pending = new byte[4];
    private int pendingCount;

    public void Append(ReadOnlySpan<byte> data)
    {
        while (pendingCount > 0 && !data.IsEmpty)
        {
            pending[pendingCount++] = data[0];
            data = data[1..];
            if (pendingCount == 4)
            {
                AddWord(BinaryPrimitives.ReadUInt32LittleEndian(pending));
                pendingCount = 0;
            }
        }

        var words = data.Length / 4;
        var values = MemoryMarshal.Cast<byte, uint>(data[..(words * 4)]);
        // Sums are reduced once per block instead of per word; a block is small enough that
        // neither 64-bit sum can overflow before the reduction.
        for (var start = 0; start < values.Length; start += BlockWords)
        {
            var block = values.Slice(start, Math.Min(BlockWords, values.Length - start));
            var (l, h) = (low, high);
            foreach (var word in block)
            {
                l += BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
                h += l;
            }

            low = l % uint.MaxValue;
            high = h % uint.MaxValue;
        }

        data[(words * 4)..].CopyTo(pending);
        pendingCount = data.Length - (words * 4);
    }

    public ulong Value
    {
        get
        {
            var (l, h) = (low, high);
            if (pendingCount > 0)
            {
                Span<byte> tail = stackalloc byte[4];
                pending.AsSpan(0, pendingCount).CopyTo(tail);
                l = (l + BinaryPrimitives.ReadUInt32LittleEndian(tail)) % uint.MaxValue;
                h = (h + l) % uint.MaxValue;
            }

            return (h << 32) | l;
        }
    }

    private void AddWord(uint word)
    {
        low = (low + word) % uint.MaxValue;
        high = (high + low) % uint.MaxValue;
    }
}
