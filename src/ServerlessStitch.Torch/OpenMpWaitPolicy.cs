using System.Runtime.InteropServices;

namespace ServerlessStitch.Torch;

/// <summary>
/// libtorch's CPU kernels run on OpenMP (libgomp). A .NET process calls libtorch from several threads over its life,
/// each with its own OpenMP team, so libgomp counts more threads than cores and makes idle workers sleep on a futex
/// after a few spins; every small kernel of a frame-by-frame PTI step then pays for waking them. Measured on the
/// 2-core machine (`stitch edit samples/calm.mp4 --edit smile --pti-passes 6 --stitching-iterations 5`): PTI 9.4
/// frame-steps/s by default, 23.0 with OMP_WAIT_POLICY=ACTIVE (stitching, two chunks at once, 15% slower). Processes
/// whose main work is one long tensor loop (<c>stitch edit</c>, the GPU worker) ask for active waiting.
/// </summary>
public static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>
    /// Sets OMP_WAIT_POLICY=ACTIVE in the native environment unless the user set a policy; it only takes effect when
    /// called before the first libtorch call (libgomp reads it once, when it loads). True when it was set here.
    /// </summary>
    public static bool PreferActiveWaiting()
    {
        // .NET keeps its own copy of the environment on Unix: the native one is what libgomp reads.
        if (!OperatingSystem.IsLinux() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            return false;
        }
        Environment.SetEnvironmentVariable(Variable, "ACTIVE");
        return setenv(Variable, "ACTIVE", 0) == 0;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
