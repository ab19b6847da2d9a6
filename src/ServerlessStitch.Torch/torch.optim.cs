using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch;

public static partial class torch
{
    public static class optim
    {
        /// <summary>
        /// Adam (Kingma and Ba) over <paramref name="parameters"/> (leaf tensors that require grad). The optimizer keeps
        /// its own references, so the handles passed in may be disposed afterwards. Defaults are PyTorch's.
        /// </summary>
        public static Modules.Adam Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0, bool amsgrad = false)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            ArgumentOutOfRangeException.ThrowIfNegative(lr);
            ArgumentOutOfRangeException.ThrowIfNegative(eps);
            if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
            {
                throw new ArgumentOutOfRangeException(nameof(beta1), $"betas must lie in [0, 1), got ({beta1}, {beta2})");
            }

            var list = parameters.ToArray();
            if (list.Length == 0)
            {
                throw new ArgumentException("Adam needs at least one parameter", nameof(parameters));
            }

            using var lease = new HandleLease(list.Length);
            var handles = new IntPtr[list.Length];
            for (var i = 0; i < handles.Length; i++)
            {
                handles[i] = lease.Add((list[i] ?? throw new ArgumentException("a parameter is null", nameof(parameters))).Handle);
            }

            unsafe
            {
                fixed (IntPtr* p = handles)
                {
                    return new Modules.Adam(NativeResult.Check(
                        NativeMethods.sst_adam_new(p, handles.Length, lr, beta1, beta2, eps, weight_decay, amsgrad ? 1 : 0)));
                }
            }
        }
    }
}
