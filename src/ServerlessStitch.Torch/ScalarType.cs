namespace ServerlessStitch.Torch;

/// <summary>Element types; the values are libtorch's (c10::ScalarType), as in TorchSharp.</summary>
public enum ScalarType
{
    Byte = 0,
    Int8 = 1,
    Int16 = 2,
    Int32 = 3,
    Int64 = 4,
    Float16 = 5,
    Float32 = 6,
    Float64 = 7,
    Bool = 11,
    BFloat16 = 15,
}

/// <summary>Maps managed element types onto <see cref="ScalarType"/> for the span-based copies.</summary>
internal static class ElementType
{
    internal static ScalarType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ScalarType.Float32;
        if (typeof(T) == typeof(byte)) return ScalarType.Byte;
        if (typeof(T) == typeof(long)) return ScalarType.Int64;
        if (typeof(T) == typeof(int)) return ScalarType.Int32;
        if (typeof(T) == typeof(double)) return ScalarType.Float64;
        if (typeof(T) == typeof(bool)) return ScalarType.Bool;
        if (typeof(T) == typeof(sbyte)) return ScalarType.Int8;
        if (typeof(T) == typeof(short)) return ScalarType.Int16;
        throw new NotSupportedException($"{typeof(T).Name} has no tensor element type");
    }

    /// <summary>Converts a scalar read through libtorch's double-valued item() into <typeparamref name="T"/>.</summary>
    internal static T FromDouble<T>(double value) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return (T)(object)(float)value;
        if (typeof(T) == typeof(double)) return (T)(object)value;
        if (typeof(T) == typeof(long)) return (T)(object)(long)value;
        if (typeof(T) == typeof(int)) return (T)(object)(int)value;
        if (typeof(T) == typeof(byte)) return (T)(object)(byte)value;
        if (typeof(T) == typeof(bool)) return (T)(object)(value != 0);
        throw new NotSupportedException($"item<{typeof(T).Name}>() is not supported");
    }
}
