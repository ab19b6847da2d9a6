using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch;

public static partial class torch
{
    public sealed partial class Tensor
    {
        // ---- arithmetic (operators and their named forms)

        public static Tensor operator +(Tensor left, Tensor right) => Binary(left, right, BinaryOp.Add);
        public static Tensor operator -(Tensor left, Tensor right) => Binary(left, right, BinaryOp.Sub);
        public static Tensor operator *(Tensor left, Tensor right) => Binary(left, right, BinaryOp.Mul);
        public static Tensor operator /(Tensor left, Tensor right) => Binary(left, right, BinaryOp.Div);
        public static Tensor operator +(Tensor left, double right) => Scalar(left, right, BinaryOp.Add);
        public static Tensor operator -(Tensor left, double right) => Scalar(left, right, BinaryOp.Sub);
        public static Tensor operator *(Tensor left, double right) => Scalar(left, right, BinaryOp.Mul);
        public static Tensor operator /(Tensor left, double right) => Scalar(left, right, BinaryOp.Div);
        public static Tensor operator +(double left, Tensor right) => Scalar(right, left, BinaryOp.Add);
        public static Tensor operator -(double left, Tensor right) => Scalar(right, left, BinaryOp.ReverseSub);
        public static Tensor operator *(double left, Tensor right) => Scalar(right, left, BinaryOp.Mul);
        public static Tensor operator /(double left, Tensor right) => Scalar(right, left, BinaryOp.ReverseDiv);
        public static Tensor operator -(Tensor tensor) => Checked(tensor).Unary(UnaryOp.Neg);

        public Tensor add(Tensor other) => this + other;
        public Tensor add(double other) => this + other;
        public Tensor sub(Tensor other) => this - other;
        public Tensor sub(double other) => this - other;
        public Tensor mul(Tensor other) => this * other;
        public Tensor mul(double other) => this * other;
        public Tensor div(Tensor other) => this / other;
        public Tensor div(double other) => this / other;
        public Tensor neg() => -this;
        public Tensor pow(Tensor exponent) => Binary(this, exponent, BinaryOp.Pow);
        public Tensor pow(double exponent) => Scalar(this, exponent, BinaryOp.Pow);
        public Tensor matmul(Tensor other) => Binary(this, other, BinaryOp.Matmul);
        public Tensor maximum(Tensor other) => Binary(this, other, BinaryOp.Maximum);
        public Tensor minimum(Tensor other) => Binary(this, other, BinaryOp.Minimum);

        // ---- comparisons (bool tensors); == and != keep reference meaning, as in TorchSharp use eq/ne

        public static Tensor operator <(Tensor left, Tensor right) => Binary(left, right, BinaryOp.Lt);
        public static Tensor operator <=(Tensor left, Tensor right) => Binary(left, right, BinaryOp.Le);
        public static Tensor operator >(Tensor left, Tensor right) => Binary(left, right, BinaryOp.Gt);
        public static Tensor operator >=(Tensor left, Tensor right) => Binary(left, right, BinaryOp.Ge);
        public static Tensor operator <(Tensor left, double right) => Scalar(left, right, BinaryOp.Lt);
        public static Tensor operator <=(Tensor left, double right) => Scalar(left, right, BinaryOp.Le);
        public static Tensor operator >(Tensor left, double right) => Scalar(left, right, BinaryOp.Gt);
        public static Tensor operator >=(Tensor left, double right) => Scalar(left, right, BinaryOp.Ge);

        public Tensor eq(Tensor other) => Binary(this, other, BinaryOp.Eq);
        public Tensor eq(double other) => Scalar(this, other, BinaryOp.Eq);
        public Tensor ne(Tensor other) => Binary(this, other, BinaryOp.Ne);
        public Tensor ne(double other) => Scalar(this, other, BinaryOp.Ne);
        public Tensor lt(Tensor other) => this < other;
        public Tensor lt(double other) => this < other;
        public Tensor le(Tensor other) => this <= other;
        public Tensor le(double other) => this <= other;
        public Tensor gt(Tensor other) => this > other;
        public Tensor gt(double other) => this > other;
        public Tensor ge(Tensor other) => this >= other;
        public Tensor ge(double other) => this >= other;
        public Tensor logical_and(Tensor other) => Binary(this, other, BinaryOp.LogicalAnd);
        public Tensor logical_or(Tensor other) => Binary(this, other, BinaryOp.LogicalOr);
        public Tensor logical_not() => Unary(UnaryOp.LogicalNot);

        // ---- element-wise functions

        public Tensor abs() => Unary(UnaryOp.Abs);
        public Tensor square() => Unary(UnaryOp.Square);
        public Tensor sqrt() => Unary(UnaryOp.Sqrt);
        public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
        public Tensor exp() => Unary(UnaryOp.Exp);
        public Tensor log() => Unary(UnaryOp.Log);
        public Tensor sin() => Unary(UnaryOp.Sin);
        public Tensor cos() => Unary(UnaryOp.Cos);
        public Tensor floor() => Unary(UnaryOp.Floor);
        public Tensor round() => Unary(UnaryOp.Round);
        public Tensor sign() => Unary(UnaryOp.Sign);
        public Tensor reciprocal() => Unary(UnaryOp.Reciprocal);
        public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
        public Tensor tanh() => Unary(UnaryOp.Tanh);
        public Tensor relu() => Unary(UnaryOp.Relu);
        public Tensor leaky_relu(double negative_slope = 0.01) => From(NativeMethods.sst_leaky_relu(Handle, negative_slope));
        public Tensor softmax(long dim) => From(NativeMethods.sst_softmax(Handle, dim, 0));
        public Tensor log_softmax(long dim) => From(NativeMethods.sst_softmax(Handle, dim, 1));

        public Tensor clamp(double? min = null, double? max = null)
        {
            if (min is null && max is null)
            {
                throw new ArgumentException("clamp needs a min, a max or both");
            }

            return From(NativeMethods.sst_clamp(Handle, min ?? 0, min is null ? 0 : 1, max ?? 0, max is null ? 0 : 1));
        }

        public Tensor clamp_min(double min) => clamp(min: min);

        public Tensor clamp_max(double max) => clamp(max: max);

        // ---- reductions

        public Tensor sum() => Reduce(ReduceOp.Sum, [], false);
        public Tensor sum(long dim, bool keepdim = false) => Reduce(ReduceOp.Sum, [dim], keepdim);
        public Tensor sum(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Sum, dims, keepdim);
        public Tensor mean() => Reduce(ReduceOp.Mean, [], false);
        public Tensor mean(long dim, bool keepdim = false) => Reduce(ReduceOp.Mean, [dim], keepdim);
        public Tensor mean(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Mean, dims, keepdim);
        public Tensor prod() => Reduce(ReduceOp.Prod, [], false);
        public Tensor prod(long dim, bool keepdim = false) => Reduce(ReduceOp.Prod, [dim], keepdim);

        /// <summary>The largest element (a zero-dimensional tensor).</summary>
        public Tensor max() => Reduce(ReduceOp.Amax, [], false);

        /// <summary>The smallest element (a zero-dimensional tensor).</summary>
        public Tensor min() => Reduce(ReduceOp.Amin, [], false);

        public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false) => MaxOrMin(dim, keepdim, isMin: false);
        public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false) => MaxOrMin(dim, keepdim, isMin: true);
        public Tensor amax(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Amax, dims, keepdim);
        public Tensor amin(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Amin, dims, keepdim);

        /// <summary>The p-norm over all elements, or over <paramref name="dims"/>.</summary>
        public Tensor norm(double p = 2, long[]? dims = null, bool keepdim = false)
        {
            dims ??= [];
            unsafe
            {
                fixed (long* d = dims)
                {
                    return From(NativeMethods.sst_norm(Handle, p, d, dims.Length, keepdim ? 1 : 0));
                }
            }
        }

        public Tensor argmax() => From(NativeMethods.sst_argmax(Handle, 0, 0, 0));

        public Tensor argmax(long dim, bool keepdim = false) => From(NativeMethods.sst_argmax(Handle, dim, 1, keepdim ? 1 : 0));

        // ---- in place (autograd-aware where libtorch allows it)

        public Tensor add_(Tensor other) => InPlace(InPlaceOp.AddTensor, Checked(other), 0);
        public Tensor add_(double other) => InPlace(InPlaceOp.AddScalar, null, other);
        public Tensor sub_(Tensor other) => InPlace(InPlaceOp.SubTensor, Checked(other), 0);
        public Tensor mul_(Tensor other) => InPlace(InPlaceOp.MulTensor, Checked(other), 0);
        public Tensor mul_(double other) => InPlace(InPlaceOp.MulScalar, null, other);
        public Tensor div_(Tensor other) => InPlace(InPlaceOp.DivTensor, Checked(other), 0);
        public Tensor zero_() => InPlace(InPlaceOp.Zero, null, 0);
        public Tensor fill_(double value) => InPlace(InPlaceOp.Fill, null, value);

        private Tensor Reduce(ReduceOp op, long[] dims, bool keepdim)
        {
            unsafe
            {
                fixed (long* d = dims)
                {
                    return From(NativeMethods.sst_reduce(Handle, (int)op, d, dims.Length, keepdim ? 1 : 0));
                }
            }
        }

        private (Tensor values, Tensor indexes) MaxOrMin(long dim, bool keepdim, bool isMin)
        {
            IntPtr values, indexes;
            unsafe
            {
                NativeResult.Check(NativeMethods.sst_max_dim(Handle, dim, keepdim ? 1 : 0, isMin ? 1 : 0, &values, &indexes));
            }

            return (FromRaw(values), FromRaw(indexes));
        }

        private static Tensor Binary(Tensor left, Tensor right, BinaryOp op) =>
            From(NativeMethods.sst_binary(Checked(left).Handle, Checked(right).Handle, (int)op));

        private static Tensor Scalar(Tensor left, double right, BinaryOp op) =>
            From(NativeMethods.sst_binary_scalar(Checked(left).Handle, right, (int)op));

        private static Tensor Checked(Tensor tensor) => tensor ?? throw new ArgumentNullException(nameof(tensor));
    }
}
