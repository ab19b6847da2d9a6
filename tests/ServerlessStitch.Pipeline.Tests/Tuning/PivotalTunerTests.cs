using System.Diagnostics;
using ServerlessStitch.Pipeline.Inversion;
using ServerlessStitch.Pipeline.Metrics;
using ServerlessStitch.Pipeline.Tuning;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Pipeline.Tests.Tuning;

/// <summary>PTI on real calm crops with the demo generator, encoder and LPIPS model; passes reduced from 80.</summary>
[Collection(OptimisationGroup.Name)]
public class PivotalTunerTests(ITestOutputHelper output)
{
    /// <summary>Frames spread over the 48-frame calm video (start, middle, end), as PTI sees a whole video.</summary>
    private static readonly int[] Frames = [0, 16, 32, 47];

    /// <summary>
    /// The fewest passes at which the ≥ 2 dB gain holds with margin on these 4 frames with the paper's options
    /// (README: +1.10 dB at 20 passes, +1.86 at 70, +2.17 at 100). The gain follows the number of Adam steps at
    /// lr 3e-5 rather than the frame count (1 frame × 100 passes: +1.38 dB), so fewer frames would not be cheaper;
    /// a whole video gets far more steps (48 calm frames × 80 passes = 3 840).
    /// </summary>
    internal const int GainPasses = 120;

    [Fact]
    public async Task Tune_CalmFrames_GainsTwoDbOverEncoderAndLossDecreases()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor crops = calm.Take(Frames);
        Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);
        var log = new ProgressLog<PtiProgress>();
        var tuner = new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim, new PtiOptions { Passes = GainPasses });

        var clock = Stopwatch.StartNew();
        using var tuned = tuner.Tune(crops, pivots, log);
        clock.Stop();

        Tensor before, after;
        using (no_grad())
        {
            before = calm.Generator.forward(pivots);
            after = tuned.forward(pivots);
        }
        var lpips = new PerceptualDistance(calm.Perceptual);
        double psnrBefore = Psnr.Mean(before, crops), psnrAfter = Psnr.Mean(after, crops);
        double lpipsBefore = lpips.Mean(before, crops), lpipsAfter = lpips.Mean(after, crops);
        double firstPass = PassMean(log, 0, r => r.Reconstruction), lastPass = PassMean(log, GainPasses - 1, r => r.Reconstruction);
        output.WriteLine($"PTI {GainPasses} passes on calm frames [{string.Join(", ", Frames)}]: PSNR {psnrBefore:F2} → {psnrAfter:F2} dB " +
                         $"(+{psnrAfter - psnrBefore:F2}), LPIPS {lpipsBefore:F4} → {lpipsAfter:F4}; reconstruction loss pass 1 {firstPass:F4} → " +
                         $"pass {GainPasses} {lastPass:F4}; {log.Reports.Count} steps in {clock.Elapsed.TotalSeconds:F1} s " +
                         $"({log.Reports[^1].FramesPerSecond:F1} frame-steps/s)");

        Assert.Equal(GainPasses * Frames.Length, log.Reports.Count);
        Assert.True(psnrAfter >= psnrBefore + 2, $"PTI gained only {psnrAfter - psnrBefore:F2} dB");
        Assert.True(lpipsAfter < lpipsBefore, $"LPIPS {lpipsBefore:F4} → {lpipsAfter:F4}");
        Assert.True(lastPass < firstPass * 0.8, $"reconstruction loss {firstPass:F4} → {lastPass:F4}");
        // The regularizer is 0 at the first step (tuned = original) and positive once the tuned copy moved.
        Assert.All(log.Reports.Skip(1), r => Assert.True(r.Regularizer > 0 && double.IsFinite(r.Loss)));
    }

    [Fact]
    public async Task Tune_SameSeedTwice_IdenticalLosses_OtherSeedDiffers()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor crops = calm.Take(0, 24);
        Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);

        double[] Run(ulong seed)
        {
            var log = new ProgressLog<PtiProgress>();
            var tuner = new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim, new PtiOptions { Passes = 3, Seed = seed });
            using var tuned = tuner.Tune(crops, pivots, log);
            return [.. log.Reports.Select(r => r.Loss)];
        }

        double[] first = Run(7), second = Run(7), other = Run(8);
        output.WriteLine($"seed 7: {string.Join(", ", first.Select(l => l.ToString("F6")))}; seed 8 last {other[^1]:F6}");
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Tune_WithLocalityRegularizer_KeepsOutputAtWrCloserToOriginal()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor crops = calm.Take(Frames);
        Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);
        // A 10x learning rate makes the drift measurable in a few passes; the regularizer's weights are the paper's.
        var options = new PtiOptions { Passes = 3, LearningRate = 3e-4 };

        double DriftAtWr(bool regularize)
        {
            using var tuned = new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim,
                options with { LocalityRegularization = regularize }).Tune(crops, pivots);
            return MeanDriftAtRandomWr(calm, tuned, pivots, seed: 1234);
        }

        double without = DriftAtWr(false), with = DriftAtWr(true);
        output.WriteLine($"MSE(tuned(w_r), original(w_r)) over 16 fresh w_r, {options.Passes} passes at lr {options.LearningRate}: " +
                         $"without regularizer {without:E3}, with {with:E3} ({without / with:F2}x closer)");
        Assert.True(with < without, $"with regularizer {with:E3} vs without {without:E3}");
    }

    [Fact]
    public async Task Tune_SavedToStreamAndReloaded_SameOutput_PretrainedUntouched()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor crops = calm.Take(5, 30);
        Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);
        Tensor pretrainedBefore;
        using (no_grad())
        {
            pretrainedBefore = calm.Generator.forward(pivots);
        }

        using var tuned = new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim, new PtiOptions { Passes = 2, LearningRate = 3e-4 })
            .Tune(crops, pivots);
        using var stream = new MemoryStream();
        tuned.save(stream);
        stream.Position = 0;
        using var reloaded = jit.load(stream);
        reloaded.eval();

        using (no_grad())
        {
            Tensor a = tuned.forward(pivots), b = reloaded.forward(pivots), pretrainedAfter = calm.Generator.forward(pivots);
            double reloadDiff = (a - b).abs().max().item<float>();
            double pretrainedDiff = (pretrainedAfter - pretrainedBefore).abs().max().item<float>();
            double tunedMoved = (a - pretrainedBefore).abs().max().item<float>();
            output.WriteLine($"saved {stream.Length} bytes; reload max diff {reloadDiff:E2}; pretrained max change {pretrainedDiff:E2}; tuned moved by {tunedMoved:E2}");
            Assert.Equal(0, reloadDiff);
            Assert.Equal(0, pretrainedDiff);
            Assert.True(tunedMoved > 1e-3);
        }
    }

    [Fact]
    public async Task Tune_ManySteps_NoTensorLeak()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using Tensor crops = calm.Take(0, 1, 2);
        using Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);
        var counts = new List<long>();
        var tuner = new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim, new PtiOptions { Passes = 3 });
        long before = live_tensor_count();

        using (var tuned = tuner.Tune(crops, pivots, new CountingProgress(counts)))
        {
        }
        long after = live_tensor_count();

        output.WriteLine($"live tensors: before {before}, during steps {string.Join(", ", counts)}, after {after}");
        Assert.Equal(before, after);
        Assert.All(counts, c => Assert.Equal(counts[0], c));
    }

    [Fact]
    public async Task Tune_CancelledAfterFirstStep_ThrowsAndLeaksNothing()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using Tensor crops = calm.Take(0, 1);
        using Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);
        using var cancel = new CancellationTokenSource();
        var progress = new ProgressLog<PtiProgress>();
        long modules = live_module_count(), tensors = live_tensor_count();

        Assert.Throws<OperationCanceledException>(() => new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim)
            .Tune(crops, pivots, new CancelOnReport(cancel, progress), cancel.Token));

        Assert.Single(progress.Reports);
        Assert.Equal(modules, live_module_count());
        Assert.Equal(tensors, live_tensor_count());
    }

    [Fact]
    public async Task Tune_PivotCountNotFrameCount_ThrowsArgumentException()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using Tensor crops = calm.Take(0, 1);
        using Tensor pivots = zeros([3, calm.GeneratorContract.LatentLayers, calm.GeneratorContract.LatentDim]);
        var ex = Assert.Throws<ArgumentException>(() => new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim).Tune(crops, pivots));
        Assert.Contains("pivot", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tune_CancelledAfterCheckpointThenResumed_RendersAsTheUninterruptedRun()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor crops = calm.Take(Frames);
        Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);
        // 10x the paper's rate so that 4 passes move the weights measurably; the regularizer is on (its z draws matter).
        var tuner = new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim,
            new PtiOptions { Passes = 4, CheckpointEveryPasses = 2, LearningRate = 3e-4, Seed = 3 });

        var uninterrupted = new ProgressLog<PtiProgress>();
        var checkpointsA = new List<PtiCheckpoint>();
        using var a = tuner.Tune(crops, pivots, new PtiCheckpointing(OnCheckpoint: checkpointsA.Add), uninterrupted);

        PtiCheckpoint? saved = null;
        using var cancel = new CancellationTokenSource();
        var beforeKill = new ProgressLog<PtiProgress>();
        Assert.Throws<OperationCanceledException>(() => tuner.Tune(crops, pivots,
            new PtiCheckpointing(OnCheckpoint: c => { saved = c; cancel.Cancel(); }), beforeKill, cancel.Token));
        var afterKill = new ProgressLog<PtiProgress>();
        using var b = tuner.Tune(crops, pivots, new PtiCheckpointing(ResumeFrom: saved), afterKill);
        using var c = tuner.Tune(crops, pivots, new PtiCheckpointing(ResumeFrom: saved));

        double diff, moved, again;
        using (no_grad())
        {
            Tensor imageA = a.forward(pivots), imageB = b.forward(pivots);
            diff = (imageA - imageB).abs().max().item<float>();
            again = (imageB - c.forward(pivots)).abs().max().item<float>();
            moved = (imageA - calm.Generator.forward(pivots)).abs().max().item<float>();
        }
        double[] lossDiffs = [.. uninterrupted.Reports.Skip(8).Zip(afterKill.Reports, (x, y) => Math.Abs(x.Loss - y.Loss))];
        double lossDiff = lossDiffs.Max();
        output.WriteLine("per-step loss diffs: " + string.Join(", ", lossDiffs.Select(d => d.ToString("E2"))));
        output.WriteLine($"checkpoint after pass {saved!.PassesDone}: generator {saved.Generator.Length} bytes, Adam state {saved.Optimizer.Length} bytes; " +
                         $"resumed vs uninterrupted: max |image diff| {diff:E2}, max |loss diff| {lossDiff:E2}; resumed twice: {again:E2}; tuned moved by {moved:E2}");

        Assert.Equal([2], checkpointsA.Select(c => c.PassesDone));          // every 2 passes, none after the last (4)
        Assert.Equal(8, beforeKill.Reports.Count);
        Assert.Equal(2, saved.PassesDone);
        Assert.Equal(Enumerable.Range(8, 8), afterKill.Reports.Select(r => r.Step));
        Assert.All(afterKill.Reports, r => Assert.True(r.Pass >= 2 && r.Steps == 16));
        Assert.True(moved > 1e-3, $"the tuned generator moved only {moved:E2}");
        // The checkpoint itself is exact: two resumes from it are bit-identical. Against the uninterrupted run the losses
        // differ from the first resumed step by 1 float ulp (3e-8): the freshly loaded TorchScript module runs its first
        // calls through the JIT's profiling graph, the long-running one an optimised graph, and (like the shared frozen
        // generator's warm-up) that moves the last bit. Measured: 8.3e-7 and 7.1e-6 on images after 2 more passes.
        Assert.Equal(0, again);
        Assert.All(lossDiffs, d => Assert.True(d <= 1e-6, $"loss differs by {d:E2}"));
        Assert.True(diff <= 5e-5, $"resumed and uninterrupted generators differ by {diff:E2}");
    }

    [Fact]
    public async Task Tune_NegativeCheckpointInterval_OrCheckpointOutsideTheRun_IsRefused()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using Tensor crops = calm.Take(0);
        using Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim, new PtiOptions { CheckpointEveryPasses = -1 }));
        var tuner = new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim, new PtiOptions { Passes = 4 });
        var late = Assert.Throws<ArgumentOutOfRangeException>(() =>
            tuner.Tune(crops, pivots, new PtiCheckpointing(ResumeFrom: new PtiCheckpoint(4, [1], [1]))));

        Assert.Contains("CheckpointEveryPasses", negative.Message, StringComparison.Ordinal);
        Assert.Contains("4 passes", late.Message, StringComparison.Ordinal);
        Assert.Equal(0, new PivotalTuner(calm.Generator, calm.Perceptual, calm.GeneratorContract.ZDim,
            new PtiOptions { CheckpointEveryPasses = 0 }).Options.CheckpointEveryPasses);             // 0 = never: valid
    }

    /// <summary>Mean MSE between tuned and original outputs at 16 regularizer-style points w_r around the pivots.</summary>
    private static double MeanDriftAtRandomWr(CalmCrops calm, jit.ScriptModule tuned, Tensor pivots, ulong seed)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new Generator(seed);
        Tensor mean = MeanLatent.Of(calm.Generator, calm.GeneratorContract.ZDim);
        double total = 0;
        const int samples = 16;
        for (int s = 0; s < samples; s++)
        {
            Tensor pivot = pivots.narrow(0, s % pivots.size(0), 1);
            Tensor w = mean + ((calm.Generator.invoke("mapping", randn([1, calm.GeneratorContract.ZDim], generator: random)) - mean) * 0.5);
            Tensor direction = w.unsqueeze(1) - pivot;
            Tensor wr = pivot + (direction * 30.0 / direction.norm());
            total += F.mse_loss(tuned.forward(wr), calm.Generator.forward(wr)).item<float>();
        }
        return total / samples;
    }

    private static double PassMean(ProgressLog<PtiProgress> log, int pass, Func<PtiProgress, double> value) =>
        log.Reports.Where(r => r.Pass == pass).Average(value);

    private sealed class CountingProgress(List<long> counts) : IProgress<PtiProgress>
    {
        public void Report(PtiProgress value) => counts.Add(live_tensor_count());
    }

    private sealed class CancelOnReport(CancellationTokenSource cancel, ProgressLog<PtiProgress> log) : IProgress<PtiProgress>
    {
        public void Report(PtiProgress value)
        {
            log.Report(value);
            cancel.Cancel();
        }
    }
}
