using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch;

public static partial class torch
{
    /// <summary>
    /// A seeded random source for <see cref="randn"/> and <see cref="rand"/>. Samples are drawn on the CPU and
    /// then moved, so a seed gives the same numbers on every device.
    /// </summary>
    public sealed class Generator : IDisposable
    {
        public Generator(ulong seed)
        {
            Handle = NativeResult.Check(NativeMethods.sst_generator_new(seed));
            initial_seed = seed;
        }

        public ulong initial_seed { get; }

        internal GeneratorHandle Handle { get; }

        public void Dispose() => Handle.Dispose();
    }
}
