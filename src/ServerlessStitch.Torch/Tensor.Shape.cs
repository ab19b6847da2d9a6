using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch;

public static partial class torch
{
    public sealed partial class Tensor
    {
        public Tensor reshape(params long[] shape) => Reshaped(shape, view: false);

        public Tensor view(params long[] shape) => Reshaped(shape, view: true);

        public Tensor permute(params long[] dims)
        {
            ArgumentNullException.ThrowIfNull(dims);
            unsafe
            {
                fixed (long* d = dims)
                {
                    return From(NativeMethods.sst_permute(Handle, d, dims.Length));
                }
            }
        }

        public Tensor expand(params long[] shape)
        {
            ArgumentNullException.ThrowIfNull(shape);
            unsafe
            {
                fixed (long* d = shape)
                {
                    return From(NativeMethods.sst_expand(Handle, d, shape.Length));
                }
            }
        }

        public Tensor repeat(params long[] repeats)
        {
            ArgumentNullException.ThrowIfNull(repeats);
            unsafe
            {
                fixed (long* d = repeats)
                {
                    return From(NativeMethods.sst_repeat(Handle, d, repeats.Length));
                }
            }
        }

        public Tensor narrow(long dim, long start, long length) => From(NativeMethods.sst_narrow(Handle, dim, start, length));

        /// <summary>Elements start..end (exclusive) with a step along <paramref name="dim"/>, as x[..., start:end:step].</summary>
        public Tensor slice(long dim, long start, long end, long step = 1) => From(NativeMethods.sst_slice(Handle, dim, start, end, step));

        public Tensor select(long dim, long index) => From(NativeMethods.sst_select(Handle, dim, index));

        public Tensor index_select(long dim, Tensor index)
        {
            ArgumentNullException.ThrowIfNull(index);
            return From(NativeMethods.sst_index_select(Handle, dim, index.Handle));
        }

        public Tensor transpose(long dim0, long dim1) => From(NativeMethods.sst_transpose(Handle, dim0, dim1));

        public Tensor squeeze() => From(NativeMethods.sst_squeeze(Handle, 0, 0));

        public Tensor squeeze(long dim) => From(NativeMethods.sst_squeeze(Handle, dim, 1));

        public Tensor unsqueeze(long dim) => From(NativeMethods.sst_unsqueeze(Handle, dim));

        public Tensor flatten(long start_dim = 0, long end_dim = -1) => From(NativeMethods.sst_flatten(Handle, start_dim, end_dim));

        public Tensor contiguous() => Unary(UnaryOp.Contiguous);

        private Tensor Reshaped(long[] shape, bool view)
        {
            ArgumentNullException.ThrowIfNull(shape);
            unsafe
            {
                fixed (long* d = shape)
                {
                    return From(NativeMethods.sst_reshape(Handle, d, shape.Length, view ? 1 : 0));
                }
            }
        }
    }
}
