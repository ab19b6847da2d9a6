using System.Runtime.InteropServices;

namespace ServerlessStitch.Torch.Native;

/// <summary>Turns the shim's failure values (null handle, -1) into <see cref="TorchException"/> with libtorch's message.</summary>
internal static class NativeResult
{
    internal static T Check<T>(T handle) where T : SafeHandle
    {
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw LastError();
        }

        return handle;
    }

    internal static int Check(int status)
    {
        if (status < 0)
        {
            throw LastError();
        }

        return status;
    }

    internal static bool CheckFlag(int status) => Check(status) != 0;

    /// <summary>Reads and frees a string the shim allocated.</summary>
    internal static string TakeString(IntPtr text)
    {
        if (text == IntPtr.Zero)
        {
            throw LastError();
        }

        try
        {
            return Marshal.PtrToStringUTF8(text) ?? string.Empty;
        }
        finally
        {
            NativeMethods.sst_string_free(text);
        }
    }

    /// <summary>
    /// A failure inside TorchScript arrives as a long interpreter traceback whose last line is the cause
    /// ("RuntimeError: mat1 and mat2 shapes cannot be multiplied ..."); lead with that line, keep the traceback.
    /// </summary>
    internal static string Headline(string message)
    {
        if (!message.StartsWith("The following operation failed in the TorchScript interpreter", StringComparison.Ordinal))
        {
            return message;
        }

        var cause = message.TrimEnd().Split('\n')[^1].Trim();
        return cause + "\n" + message;
    }

    private static TorchException LastError()
    {
        var message = NativeMethods.sst_error_take();
        if (message == IntPtr.Zero)
        {
            return new TorchException("libtorch call failed without reporting a message");
        }

        try
        {
            return new TorchException(Headline(Marshal.PtrToStringUTF8(message) ?? "libtorch call failed"));
        }
        finally
        {
            NativeMethods.sst_string_free(message);
        }
    }
}
