using System.Runtime.InteropServices;

namespace ServerlessStitch.Torch;

/// <summary>
/// Hands the native heap's free pages back to the system. libtorch allocates tensors with malloc; glibc keeps one
/// arena per thread that allocated, and frees of frame-sized tensors spread over them stay mapped, so a process
/// that streams a video chunk by chunk grows with the video's length (872 MB at 192 frames vs 665 MB at 48, before
/// this). glibc's <c>malloc_trim</c> returns those pages; elsewhere (musl, macOS, Windows) this does nothing.
/// </summary>
public static partial class NativeHeap
{
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Returns the free memory of every malloc arena to the system; true when glibc released some.</summary>
    public static bool Trim()
    {
        if (s_unavailable)
        {
            return false;
        }
        try
        {
            return malloc_trim(0) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);
}
