using System.Runtime.InteropServices;

namespace ServerlessStitch.Torch.Native;

/// <summary>Owns one native <c>at::Tensor</c> handle; released exactly once, by Dispose or the finalizer.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal TensorHandle(IntPtr handle) : this() => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.sst_tensor_free(handle);
        return true;
    }
}

/// <summary>Owns one native TorchScript module.</summary>
internal sealed class ScriptModuleHandle : SafeHandle
{
    public ScriptModuleHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.sst_module_free(handle);
        return true;
    }
}

/// <summary>Owns one native Adam optimizer.</summary>
internal sealed class AdamHandle : SafeHandle
{
    public AdamHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.sst_adam_free(handle);
        return true;
    }
}

/// <summary>Owns one native random generator.</summary>
internal sealed class GeneratorHandle : SafeHandle
{
    public GeneratorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.sst_generator_free(handle);
        return true;
    }
}

/// <summary>
/// Keeps a set of handles alive (AddRef) for the duration of one native call that takes raw pointers:
/// optional arguments and tensor lists, which the P/Invoke marshaller cannot pass as SafeHandles.
/// </summary>
internal sealed class HandleLease : IDisposable
{
    private readonly SafeHandle?[] leased;
    private int count;

    internal HandleLease(int capacity)
    {
        leased = new SafeHandle?[capacity];
        count = 0;
    }

    /// <summary>Returns the raw pointer of <paramref name="handle"/> (zero for null) and holds a reference until Dispose.</summary>
    internal IntPtr Add(SafeHandle? handle)
    {
        if (handle is null)
        {
            return IntPtr.Zero;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        leased[count++] = handle;
        return handle.DangerousGetHandle();
    }

    public void Dispose()
    {
        for (var i = 0; i < count; i++)
        {
            leased[i]!.DangerousRelease();
            leased[i] = null;
        }

        count = 0;
    }
}
