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
/// shapes and seeds. Repeats run as back-to-back C++/C# pairs, alternating which goes first; both wall-clock and
/// process CPU time are taken, and the verdicts use CPU time, which other processes' load distorts least.
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
            var result = Compare(n => NativeConv(size, n), n => ManagedConv(size, n), iterations);
            var ratio = result.CpuRatio;
            log.WriteLine($"conv3x3 {size}x{size}: {result}");
            rows.Add(Row($"3x3 conv fwd+bwd, 1×{Channels}×{size}×{size} → {Channels} ch", result, scale: 1e3, unit: "ms",
                $"{(ratio - 1) * 100:+0.0;-0.0}%", "C# within 10% of C++", ratio <= 1.10));
        }

        var tiny = Compare(NativeTinyAdd, ManagedTinyAdd, TinyIterations);
        log.WriteLine($"tiny add: {tiny}");
        rows.Add(Row("tiny op: a + b, 1-element float32, result released", tiny, scale: 1e6, unit: "µs",
            $"{tiny.CpuDifference * 1e6:+0.000;-0.000} µs per call", "overhead under 2 µs", tiny.CpuDifference < 2e-6));

        return Report(threads, rows);
    }

    private static Comparison Compare(Func<int, Timing> native, Func<int, Timing> managed, int iterations)
    {
        native(Math.Max(1, iterations / 2));
        managed(Math.Max(1, iterations / 2));
        var pairs = new (Timing Native, Timing Managed)[Repeats];
        for (var r = 0; r < Repeats; r++)
        {
            // alternate which side goes first, so neither always runs on a cache the other just warmed
            if (r % 2 == 0)
            {
                var n = native(iterations);
                pairs[r] = (n, managed(iterations));
            }
            else
            {
                var m = managed(iterations);
                pairs[r] = (native(iterations), m);
            }
        }

        return new Comparison(
            NativeWall: Median(pairs.Select(p => p.Native.Wall / iterations)),
            ManagedWall: Median(pairs.Select(p => p.Managed.Wall / iterations)),
            NativeCpu: Median(pairs.Select(p => p.Native.Cpu / iterations)),
            ManagedCpu: Median(pairs.Select(p => p.Managed.Cpu / iterations)),
            CpuRatio: Median(pairs.Select(p => p.Managed.Cpu / p.Native.Cpu)),
            CpuDifference: Median(pairs.Select(p => (p.Managed.Cpu - p.Native.Cpu) / iterations)));
    }

    private static Timing NativeConv(int size, int iterations)
    {
        double wall, cpu;
        unsafe
        {
            NativeResult.Check(NativeMethods.sst_baseline_conv(Channels, size, iterations, &wall, &cpu));
        }

        return new Timing(wall, cpu);
    }

    // The same iteration as sst_baseline_conv (native/src/baseline.cpp), through the public API.
    private static Timing ManagedConv(int size, int iterations)
    {
        using var setup = NewDisposeScope();
        using var generator = new Generator(7);
        var x = randn([1, Channels, size, size], generator: generator);
        var w = (randn([Channels, Channels, 3, 3], generator: generator) * 0.05).requires_grad_();
        var b = zeros([Channels], requires_grad: true);
        var timer = LoopTimer.Start();
        for (var i = 0; i < iterations; i++)
        {
            using var scope = NewDisposeScope();
            var y = F.conv2d(x, w, b, padding: [1]);
            y.sum().backward();
            w.grad!.zero_();
            b.grad!.zero_();
        }

        return timer.Stop();
    }

    private static Timing NativeTinyAdd(int iterations)
    {
        double wall, cpu;
        unsafe
        {
            NativeResult.Check(NativeMethods.sst_baseline_tiny_add(iterations, &wall, &cpu));
        }

        return new Timing(wall, cpu);
    }

    // The same iteration as sst_baseline_tiny_add.
    private static Timing ManagedTinyAdd(int iterations)
    {
        using var a = ones([1]);
        using var b = ones([1]);
        var timer = LoopTimer.Start();
        for (var i = 0; i < iterations; i++)
        {
            using var c = a + b;
        }

        return timer.Stop();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Row(string workload, Comparison c, double scale, string unit, string difference, string target, bool met) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {workload} | {c.NativeCpu * scale:F3} {unit} | {c.ManagedCpu * scale:F3} {unit} | {difference} | {c.NativeWall * scale:F3} {unit} | {c.ManagedWall * scale:F3} {unit} | {target}: {(met ? "met" : "NOT met")} |");

    private static string Report(int threads, List<string> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("# Torch binding overhead");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"libtorch {__version__}, {threads} intra-op thread(s) (libtorch's default here), {Environment.ProcessorCount} cores shared with other work.");
        text.AppendLine("Both sides run in one process on the same thread pool with the same shapes and seeds; the C++ side is the same");
        text.AppendLine("loop written against libtorch directly (src/ServerlessStitch.Torch/native/src/baseline.cpp). Each figure is a");
        text.AppendLine(CultureInfo.InvariantCulture, $"median over {Repeats} back-to-back C++/C# pairs (alternating which runs first) after a warm-up. The C# − C++");
        text.AppendLine("column is the median of the per-pair CPU-time ratios (conv) or differences (tiny op); CPU time is the process's");
        text.AppendLine("own (CLOCK_PROCESS_CPUTIME_ID, GC threads included), so other processes' load cancels better than in wall time.");
        text.AppendLine();
        text.AppendLine("| workload | C++ CPU | C# CPU | C# − C++ | C++ wall | C# wall | target |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }

        text.AppendLine();
        text.AppendLine("Produced by `dotnet run -c Release --project bench/ServerlessStitch.Torch.Benchmarks -- bench/results` (`make bench`).");
        return text.ToString();
    }

    private readonly record struct Timing(double Wall, double Cpu);

    private readonly record struct Comparison(double NativeWall, double ManagedWall, double NativeCpu, double ManagedCpu, double CpuRatio, double CpuDifference)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"CPU C++ {NativeCpu * 1e3:F4} ms, C# {ManagedCpu * 1e3:F4} ms (paired ratio {CpuRatio:F3}, difference {CpuDifference * 1e6:F3} us); wall C++ {NativeWall * 1e3:F4} ms, C# {ManagedWall * 1e3:F4} ms");
    }

    private readonly struct LoopTimer
    {
        private readonly long wallStart;
        private readonly double cpuStart;

        private LoopTimer(long wallStart, double cpuStart)
        {
            this.wallStart = wallStart;
            this.cpuStart = cpuStart;
        }

        public static LoopTimer Start() => new(Stopwatch.GetTimestamp(), ProcessCpuClock.Seconds());

        public Timing Stop() => new(Stopwatch.GetElapsedTime(wallStart).TotalSeconds, ProcessCpuClock.Seconds() - cpuStart);
    }
}
