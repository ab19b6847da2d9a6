using System.Runtime.InteropServices;

namespace ServerlessStitch.Torch.Benchmarks;

/// <summary>
/// Process CPU time (all threads) with nanosecond resolution, the same clock the C++ baselines read
/// (CLOCK_PROCESS_CPUTIME_ID). Process.TotalProcessorTime ticks in 10 ms steps, too coarse for these loops.
/// </summary>
internal static partial class ProcessCpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    public static double Seconds()
    {
        if (clock_gettime(ClockProcessCpuTimeId, out var now) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
        }

        return now.Seconds + now.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out Timespec time);
}
