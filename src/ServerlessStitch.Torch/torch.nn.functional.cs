using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch;

public enum InterpolationMode { Nearest = 0, Bilinear = 1, Bicubic = 2, Area = 3 }

public enum GridSampleMode { Bilinear = 0, Nearest = 1, Bicubic = 2 }

public enum GridSamplePaddingMode { Zeros = 0, Border = 1, Reflection = 2 }

public enum PaddingModes { Constant = 0, Reflect = 1, Replicate = 2, Circular = 3 }

public enum Reduction { None = 0, Mean = 1, Sum = 2 }

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>torch.nn.functional: stateless layers, with autograd.</summary>
        public static class functional
        {
            /// <summary>
            /// Resizes NCHW images to <paramref name="size"/> (or by <paramref name="scale_factor"/>). Bilinear and
            /// bicubic accept <paramref name="antialias"/> for downscaling without aliasing, as PyTorch does.
            /// </summary>
            public static Tensor interpolate(Tensor input, long[]? size = null, double[]? scale_factor = null,
                InterpolationMode mode = InterpolationMode.Nearest, bool? align_corners = null, bool antialias = false)
            {
                ArgumentNullException.ThrowIfNull(input);
                if ((size is null) == (scale_factor is null))
                {
                    throw new ArgumentException("interpolate needs exactly one of size and scale_factor");
                }

                size ??= [];
                scale_factor ??= [];
                unsafe
                {
                    fixed (long* s = size)
                    fixed (double* f = scale_factor)
                    {
                        return Tensor.From(NativeMethods.sst_interpolate(input.Handle, s, size.Length, f, scale_factor.Length,
                            (int)mode, align_corners is null ? -1 : align_corners.Value ? 1 : 0, antialias ? 1 : 0));
                    }
                }
            }

            /// <summary>Sampling grid [N, H, W, 2] for the affine matrices <paramref name="theta"/> [N, 2, 3].</summary>
            public static Tensor affine_grid(Tensor theta, long[] size, bool align_corners = false)
            {
                ArgumentNullException.ThrowIfNull(theta);
                ArgumentNullException.ThrowIfNull(size);
                unsafe
                {
                    fixed (long* s = size)
                    {
                        return Tensor.From(NativeMethods.sst_affine_grid(theta.Handle, s, size.Length, align_corners ? 1 : 0));
                    }
                }
            }

            public static Tensor grid_sample(Tensor input, Tensor grid, GridSampleMode mode = GridSampleMode.Bilinear,
                GridSamplePaddingMode padding_mode = GridSamplePaddingMode.Zeros, bool align_corners = false)
            {
                ArgumentNullException.ThrowIfNull(input);
                ArgumentNullException.ThrowIfNull(grid);
                return Tensor.From(NativeMethods.sst_grid_sample(input.Handle, grid.Handle, (int)mode, (int)padding_mode, align_corners ? 1 : 0));
            }

            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? strides = null,
                long[]? padding = null, long[]? dilation = null, long groups = 1)
            {
                ArgumentNullException.ThrowIfNull(input);
                ArgumentNullException.ThrowIfNull(weight);
                var s = Pair(strides, 1, nameof(strides));
                var p = Pair(padding, 0, nameof(padding));
                var d = Pair(dilation, 1, nameof(dilation));
                using var lease = new HandleLease(1);
                var b = lease.Add(bias?.Handle);
                unsafe
                {
                    fixed (long* sp = s)
                    fixed (long* pp = p)
                    fixed (long* dp = d)
                    {
                        return Tensor.From(NativeMethods.sst_conv2d(input.Handle, weight.Handle, b, sp, pp, dp, groups));
                    }
                }
            }

            public static Tensor max_pool2d(Tensor input, long[] kernel_size, long[]? strides = null, long[]? padding = null,
                long[]? dilation = null, bool ceil_mode = false)
            {
                ArgumentNullException.ThrowIfNull(input);
                var k = Pair(kernel_size, 1, nameof(kernel_size));
                var s = strides is null ? k : Pair(strides, 1, nameof(strides));
                var p = Pair(padding, 0, nameof(padding));
                var d = Pair(dilation, 1, nameof(dilation));
                unsafe
                {
                    fixed (long* kp = k)
                    fixed (long* sp = s)
                    fixed (long* pp = p)
                    fixed (long* dp = d)
                    {
                        return Tensor.From(NativeMethods.sst_max_pool2d(input.Handle, kp, sp, pp, dp, ceil_mode ? 1 : 0));
                    }
                }
            }

            public static Tensor avg_pool2d(Tensor input, long[] kernel_size, long[]? strides = null, long[]? padding = null,
                bool ceil_mode = false, bool count_include_pad = true)
            {
                ArgumentNullException.ThrowIfNull(input);
                var k = Pair(kernel_size, 1, nameof(kernel_size));
                var s = strides is null ? k : Pair(strides, 1, nameof(strides));
                var p = Pair(padding, 0, nameof(padding));
                unsafe
                {
                    fixed (long* kp = k)
                    fixed (long* sp = s)
                    fixed (long* pp = p)
                    {
                        return Tensor.From(NativeMethods.sst_avg_pool2d(input.Handle, kp, sp, pp, ceil_mode ? 1 : 0, count_include_pad ? 1 : 0));
                    }
                }
            }

            /// <summary>Pads the last dimensions: <paramref name="pad"/> is (left, right, top, bottom, ...) as in PyTorch.</summary>
            public static Tensor pad(Tensor input, long[] pad, PaddingModes mode = PaddingModes.Constant, double value = 0)
            {
                ArgumentNullException.ThrowIfNull(input);
                ArgumentNullException.ThrowIfNull(pad);
                unsafe
                {
                    fixed (long* p = pad)
                    {
                        return Tensor.From(NativeMethods.sst_pad(input.Handle, p, pad.Length, (int)mode, value));
                    }
                }
            }

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Loss(input, target, LossKind.Mse, reduction);

            public static Tensor l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Loss(input, target, LossKind.L1, reduction);

            public static Tensor relu(Tensor input) => Checked(input).relu();

            public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01) => Checked(input).leaky_relu(negative_slope);

            public static Tensor sigmoid(Tensor input) => Checked(input).sigmoid();

            public static Tensor tanh(Tensor input) => Checked(input).tanh();

            public static Tensor softmax(Tensor input, long dim) => Checked(input).softmax(dim);

            public static Tensor log_softmax(Tensor input, long dim) => Checked(input).log_softmax(dim);

            private static Tensor Loss(Tensor input, Tensor target, LossKind kind, Reduction reduction)
            {
                ArgumentNullException.ThrowIfNull(input);
                ArgumentNullException.ThrowIfNull(target);
                return Tensor.From(NativeMethods.sst_loss(input.Handle, target.Handle, (int)kind, (int)reduction));
            }

            // PyTorch accepts one value for both spatial dimensions; the shim always takes two.
            private static long[] Pair(long[]? values, long fallback, string name) => values switch
            {
                null => [fallback, fallback],
                [var both] => [both, both],
                [_, _] => values,
                _ => throw new ArgumentException($"{name} takes one or two values, got {values.Length}", name),
            };
        }
    }
}
