using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch;

/// <summary>
/// The binding's entry point, named as in TorchSharp (and PyTorch) so code ports mechanically:
/// <c>using static ServerlessStitch.Torch.torch;</c> then <c>zeros</c>, <c>no_grad()</c>, <c>jit.load</c>, ...
/// </summary>
/// <remarks>
/// Thread hazard: grad mode (<see cref="no_grad"/>) and dispose scopes (<see cref="NewDisposeScope"/>) belong to
/// the calling OS thread. Never <c>await</c> inside either block: the continuation may run on another thread,
/// where grad mode is back on and the scope is not the current one. Do tensor work synchronously on one thread.
/// </remarks>
public static partial class torch
{
    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device CUDA = new(DeviceType.CUDA);

    public const ScalarType uint8 = ScalarType.Byte;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;

    /// <summary>The linked libtorch's version, e.g. "1.13.0".</summary>
    public static string __version__ => NativeResult.TakeString(NativeMethods.sst_version());

    public static Device device(string description) => Device.Parse(description);

    /// <summary>CUDA when the linked libtorch has it and a GPU is present, the CPU otherwise.</summary>
    public static Device preferred_device() => cuda.is_available() ? CUDA : CPU;

    /// <summary>Sets libtorch's intra-op thread count, for every thread that calls into libtorch afterwards.</summary>
    public static void set_num_threads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        NativeResult.Check(NativeMethods.sst_set_num_threads(threads));
    }

    /// <summary>The intra-op thread count ops called from this thread use.</summary>
    public static int get_num_threads() => NativeResult.Check(NativeMethods.sst_get_num_threads());

    /// <summary>
    /// Runs this OS thread's ops on <paramref name="threads"/> intra-op threads until the returned object is disposed
    /// (then the count before it again); other threads keep theirs. For work that runs side by side on several threads
    /// (two chunks at once on 2 cores: 1 each), where the process-wide count would give each one a team of every core.
    /// Dispose on the same thread, with no <c>await</c> in between.
    /// </summary>
    public static IDisposable thread_num_threads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return new ThreadCountRestorer(threads);
    }

    /// <summary>Seeds libtorch's default generators (prefer an explicit <see cref="Generator"/>).</summary>
    public static void manual_seed(ulong seed) => NativeResult.Check(NativeMethods.sst_manual_seed(seed));

    public static bool is_grad_enabled() => NativeResult.CheckFlag(NativeMethods.sst_grad_enabled());

    public static void set_grad_enabled(bool enabled) => NativeResult.Check(NativeMethods.sst_set_grad_enabled(enabled ? 1 : 0));

    /// <summary>Disables gradient recording on this thread until the returned object is disposed.</summary>
    public static IDisposable no_grad() => new GradModeRestorer(enabled: false);

    /// <summary>Enables gradient recording on this thread until the returned object is disposed.</summary>
    public static IDisposable enable_grad() => new GradModeRestorer(enabled: true);

    /// <summary>
    /// Opens a dispose scope on this thread: every tensor created on the thread until the scope is disposed is
    /// disposed with it, unless moved out (<see cref="Tensor.MoveToOuterDisposeScope"/>) or detached from it.
    /// </summary>
    public static DisposeScope NewDisposeScope() => DisposeScope.Open();

    /// <summary>Native tensor handles alive in this process (every thread); tests use it to prove nothing leaks.</summary>
    public static long live_tensor_count() => NativeMethods.sst_live_tensors();

    /// <summary>Native TorchScript module handles alive in this process.</summary>
    public static long live_module_count() => NativeMethods.sst_live_modules();

    public static class cuda
    {
        public static bool is_available() => NativeResult.CheckFlag(NativeMethods.sst_cuda_is_available());

        public static int device_count() => NativeResult.Check(NativeMethods.sst_cuda_device_count());
    }

    public static class __config__
    {
        /// <summary>libtorch's description of its parallel backend and thread settings.</summary>
        public static string parallel_info() => NativeResult.TakeString(NativeMethods.sst_parallel_info());
    }

    private sealed class ThreadCountRestorer : IDisposable
    {
        [ThreadStatic] private static int current;
        private readonly int previous;
        private bool disposed;

        internal ThreadCountRestorer(int threads)
        {
            previous = current;
            NativeResult.Check(NativeMethods.sst_set_thread_num_threads(threads));
            current = threads;
        }

        public void Dispose()
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            NativeResult.Check(NativeMethods.sst_set_thread_num_threads(previous));
            current = previous;
        }
    }

    private sealed class GradModeRestorer : IDisposable
    {
        private readonly bool previous;
        private bool disposed;

        internal GradModeRestorer(bool enabled)
        {
            previous = is_grad_enabled();
            set_grad_enabled(enabled);
        }

        public void Dispose()
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            set_grad_enabled(previous);
        }
    }
}
