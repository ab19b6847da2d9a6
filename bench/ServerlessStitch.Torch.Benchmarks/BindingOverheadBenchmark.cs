using System.Diagnostics;
using System.Globalization;
using System.Text;
using ServerlessStitch.Torch.Native;
using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Torch.Benchmarks;

/// <summary>
/// The binding's overhead: each workload runs through the C# API and as the same loop written in C++ against
/// libtorch (the shim's sst_baseline_* exports), in this process, on the same intra-op thread pool, with the same
/// shapes and seeds. Repeats alternate between the two so machine noise hits both; medians are reported.
/// </summary>
internal static class BindingOverheadBenchmark
{
    private const int Repeats = 31;
    private const int Channels = 32;
    private const int TinyIterations = 100_000;

    public static string Run(TextWriter log)
    {
        var threads = get_num_threads();
        log.WriteLine($"libtorch {__version__}, {threads} intra-op threads, {Environment.ProcessorCount} cores");

        var rows = new List<string>();
        foreach (var (size, iterations) in new[] { (64, 10), (256, 1) })
        {
            var (native, managed, ratio) = Compare(
                n => NativeConv(size, n),
                n => ManagedConv(size, n),
                iterations);
            log.WriteLine($"conv3x3 {size}x{size}: C++ {native * 1e3:F3} ms, C# {managed * 1e3:F3} ms, paired C#/C++ {ratio:F3}");
            rows.Add(Row($"3x3 conv forward+backward, 1x{Channels}x{size}x{size} -> {Channels} ch", $"{native * 1e3:F3} ms", $"{managed * 1e3:F3} ms",
                $"{(ratio - 1) * 100:+0.0;-0.0}% (median of paired ratios)", "within 10%", ratio <= 1.10));
        }

        var (nativeAdd, managedAdd, _) = Compare(NativeTinyAdd, ManagedTinyAdd, TinyIterations);
        var overhead = managedAdd - nativeAdd;
        log.WriteLine($"tiny add: C++ {nativeAdd * 1e6:F3} us, C# {managedAdd * 1e6:F3} us, overhead {overhead * 1e6:F3} us per call");
        rows.Add(Row("tiny op (a + b, 1-element float32, result released)", $"{nativeAdd * 1e6:F3} µs", $"{managedAdd * 1e6:F3} µs",
            $"{overhead * 1e6:+0.000;-0.000} µs per call", "under 2 µs", overhead < 2e-6));

        return Report(threads, rows);
    }

    /// <summary>
    /// Median per-iteration seconds of each side over <see cref="Repeats"/> paired repeats after a warm-up, and the
    /// median of the per-pair C#/C++ ratios (pairs run back to back, so load from other processes mostly cancels).
    /// </summary>
    private static (double Native, double Managed, double Ratio) Compare(Func<int, double> native, Func<int, double> managed, int iterations)
    {
        native(Math.Max(1, iterations / 2));
        managed(Math.Max(1, iterations / 2));
        var nativeTimes = new double[Repeats];
        var managedTimes = new double[Repeats];
        for (var r = 0; r < Repeats; r++)
        {
            // alternate which side goes first, so neither always runs on a cache the other just warmed
            if (r % 2 == 0)
            {
                nativeTimes[r] = native(iterations) / iterations;
                managedTimes[r] = managed(iterations) / iterations;
            }
            else
            {
                managedTimes[r] = managed(iterations) / iterations;
                nativeTimes[r] = native(iterations) / iterations;
            }
        }

        var ratios = managedTimes.Zip(nativeTimes, (m, n) => m / n).ToArray();
        return (Median(nativeTimes), Median(managedTimes), Median(ratios));
    }

    private static double NativeConv(int size, int iterations)
    {
        double seconds;
        unsafe
        {
            NativeResult.Check(NativeMethods.sst_baseline_conv(Channels, size, iterations, &seconds));
        }

        return seconds;
    }

    // The same iteration as sst_baseline_conv (native/src/baseline.cpp), through the public API.
    private static double ManagedConv(int size, int iterations)
    {
        using var setup = NewDisposeScope();
        using var generator = new Generator(7);
        var x = randn([1, Channels, size, size], generator: generator);
        var w = (randn([Channels, Channels, 3, 3], generator: generator) * 0.05).requires_grad_();
        var b = zeros([Channels], requires_grad: true);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            using var scope = NewDisposeScope();
            var y = F.conv2d(x, w, b, padding: [1]);
            y.sum().backward();
            w.grad!.zero_();
            b.grad!.zero_();
        }

        return watch.Elapsed.TotalSeconds;
    }

    private static double NativeTinyAdd(int iterations)
    {
        double seconds;
        unsafe
        {
            NativeResult.Check(NativeMethods.sst_baseline_tiny_add(iterations, &seconds));
        }

        return seconds;
    }

    private static double ManagedTinyAdd(int iterations)
    {
        using var a = ones([1]);
        using var b = ones([1]);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            using var c = a + b;
        }

        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Row(string workload, string native, string managed, string difference, string target, bool met) =>
        $"| {workload} | {native} | {managed} | {difference} | {target} | {(met ? "met" : "NOT met")} |";

    private static string Report(int threads, List<string> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("# Torch binding overhead");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"libtorch {__version__}, {threads} intra-op threads, {Environment.ProcessorCount} cores, {Environment.OSVersion}.");
        text.AppendLine("Both sides run in one process on the same thread pool with the same shapes and seeds; C++ is the same loop");
        text.AppendLine($"written against libtorch directly (native/src/baseline.cpp). Times are medians of {Repeats} back-to-back C++/C# pairs");
        text.AppendLine("(alternating which side runs first) after a warm-up; the conv difference is the median of the per-pair ratios, so load");
        text.AppendLine("from other processes on the shared machine mostly cancels. The tiny-op overhead is the difference of the medians.");
        text.AppendLine();
        text.AppendLine("| workload | C++ | C# | C# − C++ | target | |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }

        text.AppendLine();
        text.AppendLine("Produced by `dotnet run -c Release --project bench/ServerlessStitch.Torch.Benchmarks -- bench/results` (`make bench`).");
        return text.ToString();
    }
}
