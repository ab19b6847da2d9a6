using System.Diagnostics;
using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Stitching;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Stitching;

/// <summary>
/// Issue 5's figure: the boundary error (L1 in the ring, full-frame coordinates) of stitching tuning vs plain mask
/// paste (the paper's Figure 8 ablation) on calm frames with a real smile edit, the demo generator as the PTI generator.
/// </summary>
[Collection(StitchingTestGroup.Name)]
public class BoundaryErrorFigureTests(ITestOutputHelper output)
{
    /// <summary>
    /// Reduced from the default 100 for test time. The opt-in sweep below, on two retrains of the demo models, measured
    /// 28-38% at 10 iterations, 38-44% at 30, 40-46% at 50 and 43-50% at 100; 50 keeps a margin of about 10 points for
    /// demo models that change. The 30% bar is on the reference paste (alpha = the full mask); a feathered paste blends
    /// the ring itself, so both errors are smaller there and the gap narrower (printed only).
    /// </summary>
    internal const int TestIterations = 50;

    [Fact]
    public async Task StitchingTuning_CalmFrames_BoundaryErrorAtLeast30PercentBelowPlainPaste()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();

        Figure[] figures = Measure(data, new StitchingOptions { Iterations = TestIterations }, frames: 2, output);

        Figure reference = figures.Single(f => !f.Feathered);
        Assert.True(reference.Reduction >= 0.30,
            $"boundary error {reference.Plain:F2} -> {reference.Tuned:F2} levels, {reference.Reduction:P1} lower; 30% required");
    }

    [Fact]
    public async Task Measure_UnchangedFrame_IsZero()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        using StitchingMasks masks = data.Masks.Slice(0, 1);

        double error = new BoundaryError(data.Resolution).Measure(data.Frames[0], data.Frames[0], data.Quads[0], masks.Border);

        Assert.Equal(0, error);
    }

    /// <summary>
    /// The README's figures: 10 to 100 (the reference default) iterations on every loaded calm frame.
    /// Opt-in (about 4 minutes on 2 cores): STITCH_FULL_FIGURES=1.
    /// </summary>
    [Fact]
    public async Task StitchingTuning_IterationSweep_Figures()
    {
        if (Environment.GetEnvironmentVariable("STITCH_FULL_FIGURES") != "1")
        {
            output.WriteLine("set STITCH_FULL_FIGURES=1 to measure the figures at 10 to 100 iterations");
            return;
        }
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        foreach (int iterations in new[] { 10, 20, 30, 50, 100 })
        {
            Figure[] figures = Measure(data, new StitchingOptions { Iterations = iterations }, CalmStitchingData.FrameCount, output);
            if (iterations >= TestIterations)
            {
                Figure reference = figures.Single(f => !f.Feathered);
                Assert.True(reference.Reduction >= 0.30, $"{iterations} iterations: {reference.Reduction:P1} lower");
            }
        }
    }

    /// <summary>
    /// The README's variant figures at the default iterations: the paper's L1 loss, and 4 frames sharing one generator
    /// copy (the speed option). Printed only. Opt-in (about 3 minutes on 2 cores): STITCH_FULL_FIGURES=1.
    /// </summary>
    [Fact]
    public async Task StitchingTuning_LossAndBatchVariants_Figures()
    {
        if (Environment.GetEnvironmentVariable("STITCH_FULL_FIGURES") != "1")
        {
            output.WriteLine("set STITCH_FULL_FIGURES=1 to measure the MSE and batched-tuning figures");
            return;
        }
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        Measure(data, new StitchingOptions { Loss = StitchingLoss.Mse }, CalmStitchingData.FrameCount, output);
        Measure(data, new StitchingOptions { FramesPerGenerator = CalmStitchingData.FrameCount }, CalmStitchingData.FrameCount, output);
    }

    internal readonly record struct Figure(bool Feathered, double Plain, double Tuned)
    {
        public double Reduction => 1 - (Tuned / Plain);
    }

    /// <summary>Tunes each frame once and pastes it, and the plain edit, both with the full mask and feathered.</summary>
    internal static Figure[] Measure(CalmStitchingData data, StitchingOptions options, int frames, ITestOutputHelper output)
    {
        StitchedFramePaster[] pasters = [new(data.Resolution, feathered: false), new(data.Resolution, feathered: true)];
        var metric = new BoundaryError(data.Resolution);
        var tuner = new StitchingTuner(options);
        var plainSum = new double[2];
        var tunedSum = new double[2];
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        (Tensor latents, Tensor crops, StitchingMasks masks) = data.Slice(0, frames);
        using (masks)
        {
            // One call: the tuner gives each frame (or each FramesPerGenerator group) its own generator copy.
            using StitchingResult result = tuner.Tune(data.Generator, latents, crops, masks);
            for (int i = 0; i < frames; i++)
            {
                using var frameScope = NewDisposeScope();
                StitchingTrace trace = result.Traces.Single(t => i >= t.FirstFrame && i < t.FirstFrame + t.FrameCount);
                var line = $"frame {i}: border loss {trace.BorderLosses[0]:F4} -> {trace.FinalBorderLoss:F4} (frames {trace.FirstFrame}-{trace.FirstFrame + trace.FrameCount - 1}); boundary error";
                Tensor full = masks.Full.select(0, i), border = masks.Border.select(0, i);
                for (int p = 0; p < pasters.Length; p++)
                {
                    Frame plain = pasters[p].Paste(data.Frames[i], data.Quads[i], data.Edited.select(0, i), full);
                    Frame tuned = pasters[p].Paste(data.Frames[i], data.Quads[i], result.Stitched.select(0, i), full);
                    double plainError = metric.Measure(data.Frames[i], plain, data.Quads[i], border);
                    double tunedError = metric.Measure(data.Frames[i], tuned, data.Quads[i], border);
                    line += $" {(pasters[p].Feathered ? "feathered" : "full mask")} {plainError:F2} -> {tunedError:F2}";
                    plainSum[p] += plainError;
                    tunedSum[p] += tunedError;
                }
                output.WriteLine(line);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds / frames;
        Figure[] figures = [.. pasters.Select((p, k) => new Figure(p.Feathered, plainSum[k] / frames, tunedSum[k] / frames))];
        foreach (Figure f in figures)
        {
            output.WriteLine($"{options.Iterations} iterations ({options.Loss}, {options.FramesPerGenerator} frame(s) per generator), {(f.Feathered ? "feathered paste" : "full-mask paste")}, " +
                             $"{frames} calm frames, {CalmStitchingData.Edit} {data.EditStep}: boundary error plain paste {f.Plain:F2} levels, " +
                             $"stitched {f.Tuned:F2} levels ({f.Reduction:P1} lower); {seconds:F1} s per frame");
        }
        return figures;
    }
}
