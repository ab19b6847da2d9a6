using ServerlessStitch.Pipeline.Stitching;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Stitching;

[Collection(StitchingTestGroup.Name)]
public class StitchingTunerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Tune_CalmFrame_BorderLossFallsAndGivenGeneratorUntouched()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        float[][] before = ParameterValues(data.Generator);
        (Tensor latents, Tensor crops, StitchingMasks masks) = data.Slice(0, 1);
        using (latents)
        using (crops)
        using (masks)
        {
            using StitchingResult result = new StitchingTuner(new StitchingOptions { Iterations = 15 }).Tune(data.Generator, latents, crops, masks);

            StitchingTrace trace = Assert.Single(result.Traces);
            output.WriteLine($"border loss by iteration: {string.Join(", ", trace.BorderLosses.Select(l => l.ToString("F4")))}; final {trace.FinalBorderLoss:F4}");
            output.WriteLine($"content loss by iteration: {string.Join(", ", trace.ContentLosses.Select(l => l.ToString("F4")))}; final {trace.FinalContentLoss:F4}");
            Assert.Equal(15, trace.Steps);
            Assert.False(trace.StoppedEarly);
            Assert.Equal(0, trace.ContentLosses[0]);                           // the first edit is the untuned output
            Assert.True(trace.FinalBorderLoss < 0.7 * trace.BorderLosses[0], $"border loss {trace.BorderLosses[0]:F4} -> {trace.FinalBorderLoss:F4}");
            Assert.True(trace.BorderLosses[^1] < trace.BorderLosses[0]);
            Assert.Equal([1, 3, data.Resolution, data.Resolution], result.Stitched.shape);
            Assert.False(result.Stitched.requires_grad);
        }
        float[][] after = ParameterValues(data.Generator);
        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], after[i]);
        }
    }

    [Fact]
    public async Task Tune_SameInputsTwice_SameLossesAndCrops()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        var tuner = new StitchingTuner(new StitchingOptions { Iterations = 5 });
        (Tensor latents, Tensor crops, StitchingMasks masks) = data.Slice(1, 1);
        using (latents)
        using (crops)
        using (masks)
        {
            using StitchingResult first = tuner.Tune(data.Generator, latents, crops, masks);
            using StitchingResult second = tuner.Tune(data.Generator, latents, crops, masks);

            Assert.Equal(first.Traces[0].BorderLosses, second.Traces[0].BorderLosses);
            Assert.Equal(first.Traces[0].ContentLosses, second.Traces[0].ContentLosses);
            Assert.Equal(first.Stitched.data<float>(), second.Stitched.data<float>());
        }
    }

    [Fact]
    public async Task Tune_FramesSideBySideOnTwoThreads_SameFramesInOrderAsOneAfterAnother()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        var tuner = new StitchingTuner(new StitchingOptions { Iterations = 3 });
        (Tensor latents, Tensor crops, StitchingMasks masks) = data.Slice(0, 3);
        using (latents)
        using (crops)
        using (masks)
        {
            // One intra-op thread per frame in both, so the sums run in the same order and the results are bit-equal.
            using StitchingResult serial = tuner.Tune(data.Generator, latents, crops, masks, cpuThreads: 1);
            using StitchingResult parallel = tuner.Tune(data.Generator, latents, crops, masks, cpuThreads: 2);

            Assert.Equal([0, 1, 2], parallel.Traces.Select(t => t.FirstFrame));
            Assert.Equal(serial.Traces.Select(t => t.BorderLosses), parallel.Traces.Select(t => t.BorderLosses));
            Assert.Equal(serial.Stitched.shape, parallel.Stitched.shape);
            Assert.Equal(serial.Stitched.data<float>(), parallel.Stitched.data<float>());
            Assert.NotEqual(parallel.Traces[0].BorderLosses, parallel.Traces[1].BorderLosses);
        }
    }

    [Fact]
    public async Task Tune_CancelledWithWorkers_ThrowsOnTheCallingThread()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        (Tensor latents, Tensor crops, StitchingMasks masks) = data.Slice(0, 2);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        using (latents)
        using (crops)
        using (masks)
        {
            Assert.ThrowsAny<OperationCanceledException>(() =>
                new StitchingTuner(new StitchingOptions { Iterations = 3 }).Tune(data.Generator, latents, crops, masks, cpuThreads: 2, cancellationToken: cancelled.Token));
        }
    }

    [Fact]
    public async Task Tune_EarlyStopThreshold_StopsAtFirstLossBelowIt()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        (Tensor latents, Tensor crops, StitchingMasks masks) = data.Slice(0, 1);
        using (latents)
        using (crops)
        using (masks)
        {
            using StitchingResult full = new StitchingTuner(new StitchingOptions { Iterations = 8 }).Tune(data.Generator, latents, crops, masks);
            IReadOnlyList<double> losses = full.Traces[0].BorderLosses;
            double threshold = losses.Skip(1).Take(4).Min() * 1.000001;   // reached within the first 5 losses

            using StitchingResult stopped = new StitchingTuner(new StitchingOptions { Iterations = 8, EarlyStopBorderLoss = threshold })
                .Tune(data.Generator, latents, crops, masks);

            StitchingTrace trace = stopped.Traces[0];
            int expected = losses.Select((l, i) => (l, i)).First(p => p.l < threshold).i;
            output.WriteLine($"threshold {threshold:F4}: stopped after {trace.Steps} of 8 steps (losses {string.Join(", ", losses.Select(l => l.ToString("F4")))})");
            Assert.True(trace.StoppedEarly);
            Assert.Equal(expected, trace.Steps);
            Assert.Equal(expected + 1, trace.BorderLosses.Count);
            Assert.True(trace.FinalBorderLoss < threshold);
        }
    }

    [Fact]
    public async Task Tune_MseLossAndTwoFramesPerGenerator_OneTraceAndLowerBorderLoss()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        var options = new StitchingOptions { Iterations = 6, Loss = StitchingLoss.Mse, FramesPerGenerator = 2 };
        (Tensor latents, Tensor crops, StitchingMasks masks) = data.Slice(0, 3);
        using (latents)
        using (crops)
        using (masks)
        {
            using StitchingResult result = new StitchingTuner(options).Tune(data.Generator, latents, crops, masks);

            Assert.Equal([0, 2], result.Traces.Select(t => t.FirstFrame));
            Assert.Equal([2, 1], result.Traces.Select(t => t.FrameCount));
            Assert.Equal([3, 3, data.Resolution, data.Resolution], result.Stitched.shape);
            Assert.All(result.Traces, t => Assert.True(t.FinalBorderLoss < t.BorderLosses[0]));
        }
    }

    [Fact]
    public async Task Tune_ZeroIterations_ReturnsTheFirstEdit()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        (Tensor latents, Tensor crops, StitchingMasks masks) = data.Slice(2, 1);
        using (latents)
        using (crops)
        using (masks)
        {
            using StitchingResult result = new StitchingTuner(new StitchingOptions { Iterations = 0 }).Tune(data.Generator, latents, crops, masks);
            using Tensor edit = data.Edited.narrow(0, 2, 1);
            using Tensor difference = (result.Stitched - edit).abs().max();

            // Equal up to float rounding: the fixture's edits came from one batched forward pass.
            Assert.True(difference.item<float>() < 1e-4, $"max difference {difference.item<float>()}");
        }
    }

    [Fact]
    public async Task Tune_MismatchedCrops_ThrowsNamingShapes()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        (Tensor latents, Tensor crops, StitchingMasks masks) = data.Slice(0, 2);
        using (latents)
        using (crops)
        using (masks)
        using (Tensor one = crops.narrow(0, 0, 1))
        {
            var ex = Assert.Throws<ArgumentException>(() => new StitchingTuner(new StitchingOptions()).Tune(data.Generator, latents, one, masks));
            Assert.Contains("crops", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Constructor_NegativeIterations_Throws() =>
        Assert.Throws<ArgumentException>(() => new StitchingTuner(new StitchingOptions { Iterations = -1 }));

    private static float[][] ParameterValues(jit.ScriptModule module)
    {
        var values = new List<float[]>();
        foreach ((string _, Tensor parameter) in module.named_parameters())
        {
            using (parameter)
            {
                using Tensor copy = parameter.detach().contiguous();
                values.Add(copy.data<float>());
            }
        }
        return [.. values];
    }
}
