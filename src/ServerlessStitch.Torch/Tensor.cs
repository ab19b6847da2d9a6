using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch;

public static partial class torch
{
    /// <summary>
    /// A handle to a libtorch tensor. Dispose it (or create it inside a <see cref="DisposeScope"/>) to release the
    /// native memory deterministically; the finalizer is only a safety net.
    /// </summary>
    public sealed partial class Tensor : IDisposable
    {
        internal Tensor(TensorHandle handle)
        {
            Handle = handle;
            DisposeScope.Current?.Adopt(this);
        }

        internal TensorHandle Handle { get; }

        internal DisposeScope? OwningScope { get; set; }

        /// <summary>True once disposed: any further use throws <see cref="ObjectDisposedException"/>.</summary>
        public bool IsInvalid => Handle.IsClosed;

        internal static Tensor From(TensorHandle handle) => new(NativeResult.Check(handle));

        internal static Tensor FromRaw(IntPtr handle) => new(new TensorHandle(handle));

        public void Dispose()
        {
            OwningScope?.Release(this);
            Handle.Dispose();
        }

        /// <summary>Hands this tensor to the scope enclosing its owner, so it outlives the owner.</summary>
        public Tensor MoveToOuterDisposeScope() => OwningScope is { } scope ? scope.MoveToOuter(this) : this;

        /// <summary>Takes this tensor out of its dispose scope: the caller disposes it.</summary>
        public Tensor DetachFromDisposeScope()
        {
            OwningScope?.Release(this);
            return this;
        }

        // ---- properties

        public long[] shape
        {
            get
            {
                Span<long> sizes = stackalloc long[16];
                int count;
                unsafe
                {
                    fixed (long* buffer = sizes)
                    {
                        count = NativeResult.Check(NativeMethods.sst_tensor_shape(Handle, buffer, sizes.Length));
                    }
                }

                return sizes[..count].ToArray();
            }
        }

        public long size(int dim)
        {
            var sizes = shape;
            return sizes[dim < 0 ? dim + sizes.Length : dim];
        }

        public long dim() => NativeResult.Check(NativeMethods.sst_tensor_ndim(Handle));

        public long numel()
        {
            long count = 1;
            foreach (var extent in shape)
            {
                count *= extent;
            }

            return count;
        }

        public ScalarType dtype => (ScalarType)NativeResult.Check(NativeMethods.sst_tensor_dtype(Handle));

        public Device device
        {
            get
            {
                int type, index;
                unsafe
                {
                    NativeResult.Check(NativeMethods.sst_tensor_device(Handle, &type, &index));
                }

                return new Device((DeviceType)type, index);
            }
        }

        public override string ToString() => $"Tensor[{string.Join(", ", shape)}], type = {dtype}, device = {device}";

        // ---- data in and out

        /// <summary>The value of a one-element tensor.</summary>
        public T item<T>() where T : unmanaged
        {
            double value;
            unsafe
            {
                NativeResult.Check(NativeMethods.sst_tensor_item(Handle, &value));
            }

            return ElementType.FromDouble<T>(value);
        }

        /// <summary>Copies the elements (row-major) into <paramref name="destination"/>, whose length must equal numel().</summary>
        public void CopyTo<T>(Span<T> destination) where T : unmanaged
        {
            unsafe
            {
                fixed (T* target = destination)
                {
                    NativeResult.Check(NativeMethods.sst_tensor_copy_to(
                        Handle, target, (long)destination.Length * sizeof(T), (int)ElementType.Of<T>()));
                }
            }
        }

        /// <summary>
        /// A copy of the elements, row-major. (TorchSharp returns a view accessor here; both support
        /// <c>data&lt;float&gt;().ToArray()</c>.)
        /// </summary>
        public T[] data<T>() where T : unmanaged
        {
            var result = new T[numel()];
            CopyTo<T>(result);
            return result;
        }

        // ---- autograd

        public bool requires_grad
        {
            get => NativeResult.CheckFlag(NativeMethods.sst_tensor_requires_grad(Handle));
            set => NativeResult.Check(NativeMethods.sst_tensor_set_requires_grad(Handle, value ? 1 : 0));
        }

        public Tensor requires_grad_(bool requires = true)
        {
            requires_grad = requires;
            return this;
        }

        public bool is_leaf => NativeResult.CheckFlag(NativeMethods.sst_tensor_is_leaf(Handle));

        /// <summary>The accumulated gradient, or null when none was computed. Each read returns a new handle.</summary>
        public Tensor? grad
        {
            get
            {
                IntPtr gradient;
                unsafe
                {
                    NativeResult.Check(NativeMethods.sst_tensor_grad(Handle, &gradient));
                }

                return gradient == IntPtr.Zero ? null : FromRaw(gradient);
            }
        }

        public void backward(Tensor? gradient = null, bool retain_graph = false)
        {
            using var lease = new HandleLease(1);
            NativeResult.Check(NativeMethods.sst_tensor_backward(Handle, lease.Add(gradient?.Handle), retain_graph ? 1 : 0));
        }

        public Tensor detach() => Unary(UnaryOp.Detach);

        public Tensor clone() => Unary(UnaryOp.Clone);

        /// <summary>Copies <paramref name="source"/>'s values into this tensor in place (broadcasting, converting type).</summary>
        public Tensor copy_(Tensor source)
        {
            ArgumentNullException.ThrowIfNull(source);
            return InPlace(InPlaceOp.Copy, source, 0);
        }

        // ---- type and device

        public Tensor to(Device target) => to(dtype, target);

        public Tensor to(ScalarType type) => to(type, device);

        public Tensor to(ScalarType type, Device target)
        {
            ArgumentNullException.ThrowIfNull(target);
            return From(NativeMethods.sst_tensor_to(Handle, (int)type, (int)target.type, target.index));
        }

        public Tensor to_type(ScalarType type) => to(type);

        public Tensor cpu() => to(CPU);

        public Tensor cuda() => to(CUDA);

        internal Tensor Unary(UnaryOp op) => From(NativeMethods.sst_unary(Handle, (int)op));

        internal Tensor InPlace(InPlaceOp op, Tensor? source, double scalar)
        {
            using var lease = new HandleLease(1);
            NativeResult.Check(NativeMethods.sst_inplace(Handle, lease.Add(source?.Handle), scalar, (int)op));
            return this;
        }
    }
}
