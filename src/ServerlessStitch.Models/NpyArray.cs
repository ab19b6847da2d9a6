using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace ServerlessStitch.Models;

/// <summary>
/// A float array read from NumPy's <c>.npy</c> format (versions 1-3), the format InterFaceGAN boundaries and
/// the reference code's direction files use. Reads little-endian float32 and float64 in C order; anything else
/// is refused with a message saying what the file holds.
/// </summary>
public sealed partial class NpyArray
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public NpyArray(float[] values, int[] shape)
    {
        if (values.Length != shape.Aggregate(1L, (a, b) => a * b))
        {
            throw new ArgumentException($"{values.Length} values do not fill shape [{string.Join(", ", shape)}]");
        }
        Values = values;
        Shape = shape;
    }

    public float[] Values { get; }
    public int[] Shape { get; }

    public static NpyArray Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelException($"Direction file {path} cannot be read ({e.Message}).", e);
        }
        return Parse(bytes, path);
    }

    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
        {
            throw Bad(source, "is not a NumPy .npy file");
        }
        int major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                headerStart = 10;
                break;
            case 2 or 3:
                if (bytes.Length < 12)
                {
                    throw Bad(source, "is truncated");
                }
                headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]));
                headerStart = 12;
                break;
            default:
                throw Bad(source, $"has .npy version {major}, which is not supported");
        }
        if (bytes.Length < headerStart + headerLength)
        {
            throw Bad(source, "is truncated inside its header");
        }
        string header = Encoding.Latin1.GetString(bytes.Slice(headerStart, headerLength));
        string descr = Field(DescrPattern(), header, source, "descr");
        if (Field(FortranPattern(), header, source, "fortran_order") != "False")
        {
            throw Bad(source, "is in Fortran order; save it with numpy in C order");
        }
        int[] shape = ParseShape(Field(ShapePattern(), header, source, "shape"), source);

        int elementSize = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw Bad(source, $"holds dtype '{descr}'; directions must be float32 or float64"),
        };
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var payload = bytes[(headerStart + headerLength)..];
        if (payload.Length != count * elementSize)
        {
            throw Bad(source, $"holds {payload.Length} data bytes, but shape [{string.Join(", ", shape)}] needs {count * elementSize}");
        }

        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = elementSize == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(payload[(i * 4)..])
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(payload[(i * 8)..]);
        }
        if (values.Any(v => !float.IsFinite(v)))
        {
            throw Bad(source, "contains NaN or infinite values");
        }
        return new NpyArray(values, shape);
    }

    /// <summary>Writes the array as a version-1 little-endian float32 <c>.npy</c> (numpy.load reads it).</summary>
    public void Write(Stream destination)
    {
        string shape = Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";
        string dictionary = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        // The header (magic, version, length, dictionary, newline) is padded with spaces to a multiple of 64 bytes.
        int unpadded = Magic.Length + 4 + dictionary.Length + 1;
        string header = dictionary.PadRight(dictionary.Length + ((64 - (unpadded % 64)) % 64)) + "\n";
        var prefix = new byte[Magic.Length + 4];
        Magic.CopyTo(prefix, 0);
        prefix[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(8), checked((ushort)header.Length));
        destination.Write(prefix);
        destination.Write(Encoding.Latin1.GetBytes(header));
        var payload = new byte[Values.Length * 4];
        for (int i = 0; i < Values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(i * 4), Values[i]);
        }
        destination.Write(payload);
    }

    /// <summary>The array as <c>.npy</c> bytes.</summary>
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        Write(buffer);
        return buffer.ToArray();
    }

    private static int[] ParseShape(string text, string source)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], out shape[i]) || shape[i] < 0)
            {
                throw Bad(source, $"has an unreadable shape ({text})");
            }
        }
        return shape;
    }

    private static string Field(Regex pattern, string header, string source, string name)
    {
        var match = pattern.Match(header);
        return match.Success ? match.Groups[1].Value : throw Bad(source, $"has no '{name}' in its header");
    }

    private static ModelException Bad(string source, string problem) => new($"Direction file {source} {problem}.");

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
