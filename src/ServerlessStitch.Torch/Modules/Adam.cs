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

    /// <summary>
    /// Writes the optimizer's state (first and second moments, step counts, options) to <paramref name="stream"/> in
    /// libtorch's archive format, so that <see cref="load"/> on an Adam over the same parameter list continues exactly.
    /// </summary>
    public void save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        IntPtr data;
        long length;
        unsafe
        {
            NativeResult.Check(NativeMethods.sst_adam_save_bytes(Handle, &data, &length));
        }

        try
        {
            unsafe
            {
                stream.Write(new ReadOnlySpan<byte>((void*)data, checked((int)length)));
            }
        }
        finally
        {
            NativeMethods.sst_buffer_free(data);
        }
    }

    /// <summary>
    /// Replaces the state with one written by <see cref="save"/> from the rest of <paramref name="stream"/>. Parameters
    /// are matched by position, so this optimizer must be over the same list (in the same order) as the saved one; the
    /// moments are placed on the parameters' device.
    /// </summary>
    public void load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        if (buffer.Length == 0)
        {
            throw new TorchException("the Adam state stream is empty");
        }

        unsafe
        {
            fixed (byte* data = buffer.GetBuffer())
            {
                try
                {
                    NativeResult.Check(NativeMethods.sst_adam_load_bytes(Handle, data, buffer.Length));
                }
                catch (TorchException error)
                {
                    throw new TorchException($"the stream does not hold a saved Adam state for these parameters: {error.Message}", error);
                }
            }
        }
    }

    public void Dispose() => Handle.Dispose();
}
