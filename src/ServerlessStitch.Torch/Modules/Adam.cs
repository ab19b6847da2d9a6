using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch.Modules;

/// <summary>libtorch's Adam over a fixed parameter list. Created by <see cref="torch.optim.Adam"/>.</summary>
public sealed class Adam : IDisposable
{
    internal Adam(AdamHandle handle) => Handle = handle;

    internal AdamHandle Handle { get; }

    /// <summary>Applies one update from the parameters' accumulated gradients.</summary>
    public void step() => NativeResult.Check(NativeMethods.sst_adam_step(Handle));

    /// <summary>Resets the parameters' gradients before the next backward pass.</summary>
    public void zero_grad() => NativeResult.Check(NativeMethods.sst_adam_zero_grad(Handle));

    public void Dispose() => Handle.Dispose();
}
