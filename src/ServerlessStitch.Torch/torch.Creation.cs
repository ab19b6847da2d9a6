using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch;

public static partial class torch
{
    /// <summary>A tensor holding a copy of <paramref name="data"/> (row-major) in the given shape.</summary>
    public static Tensor tensor(ReadOnlySpan<float> data, ReadOnlySpan<long> dimensions, Device? device = null, bool requires_grad = false) =>
        FromSpan(data, dimensions, device, requires_grad);

    public static Tensor tensor(ReadOnlySpan<byte> data, ReadOnlySpan<long> dimensions, Device? device = null, bool requires_grad = false) =>
        FromSpan(data, dimensions, device, requires_grad);

    public static Tensor tensor(ReadOnlySpan<double> data, ReadOnlySpan<long> dimensions, Device? device = null, bool requires_grad = false) =>
        FromSpan(data, dimensions, device, requires_grad);

    public static Tensor tensor(ReadOnlySpan<long> data, ReadOnlySpan<long> dimensions, Device? device = null) =>
        FromSpan(data, dimensions, device, requires_grad: false);

    /// <summary>A one-dimensional tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor tensor(float[] data, Device? device = null, bool requires_grad = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<float>(data, [data.LongLength], device, requires_grad);
    }

    public static Tensor tensor(long[] data, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<long>(data, [data.LongLength], device, requires_grad: false);
    }

    /// <summary>A zero-dimensional float32 tensor.</summary>
    public static Tensor tensor(float scalar, Device? device = null, bool requires_grad = false) =>
        FromSpan<float>([scalar], [], device, requires_grad);

    public static Tensor zeros(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false) =>
        Create(CreateKind.Zeros, size, dtype, device, 0, requires_grad);

    public static Tensor ones(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false) =>
        Create(CreateKind.Ones, size, dtype, device, 0, requires_grad);

    public static Tensor full(long[] size, double value, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false) =>
        Create(CreateKind.Full, size, dtype, device, value, requires_grad);

    public static Tensor empty(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Create(CreateKind.Empty, size, dtype, device, 0, requires_grad: false);

    public static Tensor zeros_like(Tensor input) => zeros(Checked(input).shape, input.dtype, input.device);

    public static Tensor ones_like(Tensor input) => ones(Checked(input).shape, input.dtype, input.device);

    /// <summary>Standard normal samples; pass a seeded <see cref="Generator"/> for reproducible runs.</summary>
    public static Tensor randn(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false, Generator? generator = null) =>
        Random(RandomKind.Normal, size, dtype, device, requires_grad, generator);

    /// <summary>Uniform samples in [0, 1); pass a seeded <see cref="Generator"/> for reproducible runs.</summary>
    public static Tensor rand(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false, Generator? generator = null) =>
        Random(RandomKind.Uniform, size, dtype, device, requires_grad, generator);

    public static Tensor arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        device ??= CPU;
        return Tensor.From(NativeMethods.sst_tensor_arange(start, end, step, (int)dtype, (int)device.type, device.index));
    }

    public static Tensor linspace(double start, double end, long steps, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        device ??= CPU;
        return Tensor.From(NativeMethods.sst_tensor_linspace(start, end, steps, (int)dtype, (int)device.type, device.index));
    }

    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, stack: false);

    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, stack: true);

    /// <summary>Elements of <paramref name="x"/> where <paramref name="condition"/> holds, of <paramref name="y"/> elsewhere.</summary>
    public static Tensor where(Tensor condition, Tensor x, Tensor y) =>
        Tensor.From(NativeMethods.sst_where(Checked(condition).Handle, Checked(x).Handle, Checked(y).Handle));

    private static Tensor Checked(Tensor tensor) => tensor ?? throw new ArgumentNullException(nameof(tensor));

    private static Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> dimensions, Device? device, bool requires_grad)
        where T : unmanaged
    {
        device ??= CPU;
        unsafe
        {
            fixed (T* source = data)
            fixed (long* dims = dimensions)
            {
                return Tensor.From(NativeMethods.sst_tensor_from_data(
                    source, (long)data.Length * sizeof(T), dims, dimensions.Length, (int)ElementType.Of<T>(),
                    (int)device.type, device.index, requires_grad ? 1 : 0));
            }
        }
    }

    private static Tensor Create(CreateKind kind, long[] size, ScalarType dtype, Device? device, double value, bool requires_grad)
    {
        ArgumentNullException.ThrowIfNull(size);
        device ??= CPU;
        unsafe
        {
            fixed (long* dims = size)
            {
                return Tensor.From(NativeMethods.sst_tensor_create(
                    (int)kind, dims, size.Length, (int)dtype, (int)device.type, device.index, value, requires_grad ? 1 : 0));
            }
        }
    }

    private static Tensor Random(RandomKind kind, long[] size, ScalarType dtype, Device? device, bool requires_grad, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(size);
        device ??= CPU;
        using var lease = new HandleLease(1);
        var source = lease.Add(generator?.Handle);
        unsafe
        {
            fixed (long* dims = size)
            {
                return Tensor.From(NativeMethods.sst_tensor_random(
                    (int)kind, dims, size.Length, (int)dtype, (int)device.type, device.index, source, requires_grad ? 1 : 0));
            }
        }
    }

    private static Tensor Join(IReadOnlyList<Tensor> tensors, long dim, bool stack)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("expected at least one tensor", nameof(tensors));
        }

        using var lease = new HandleLease(tensors.Count);
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = lease.Add(Checked(tensors[i]).Handle);
        }

        unsafe
        {
            fixed (IntPtr* list = handles)
            {
                return Tensor.From(NativeMethods.sst_join(list, handles.Length, dim, stack ? 1 : 0));
            }
        }
    }
}
