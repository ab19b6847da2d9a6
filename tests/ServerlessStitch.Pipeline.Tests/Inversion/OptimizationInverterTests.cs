using ServerlessStitch.Pipeline.Inversion;
using ServerlessStitch.Pipeline.Metrics;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Inversion;

[Collection(OptimisationGroup.Name)]
public class OptimizationInverterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Invert_CalmCrops_LowersLossFromMeanLatent()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor crops = calm.Take(0, 24, 47);
        var log = new ProgressLog<InversionProgress>();
        var options = new OptimizationInverterOptions { Iterations = 40, BatchSize = 2 };
        var inverter = new OptimizationInverter(calm.Generator, calm.Perceptual, calm.GeneratorContract.LatentLayers, calm.GeneratorContract.ZDim, options);
        long tensors = live_tensor_count();

        Tensor codes = inverter.Invert(crops, log);

        Assert.Equal(tensors + 1, live_tensor_count());   // only the result survives

        Assert.Equal([3L, calm.GeneratorContract.LatentLayers, calm.GeneratorContract.LatentDim], codes.shape);
        Assert.Equal(2 * options.Iterations, log.Reports.Count);
        using (no_grad())
        {
            double psnr = Psnr.Mean(calm.Generator.forward(codes), crops);
            double first = log.Reports[0].Loss, last = log.Reports[options.Iterations - 1].Loss;
            output.WriteLine($"optimisation inversion, {options.Iterations} steps: batch 1 loss {first:F4} → {last:F4}, " +
                             $"batch 2 {log.Reports[options.Iterations].Loss:F4} → {log.Reports[^1].Loss:F4}; PSNR {psnr:F2} dB");
            Assert.True(last < first * 0.7, $"loss {first:F4} → {last:F4}");
            Assert.True(log.Reports[^1].Loss < log.Reports[options.Iterations].Loss * 0.7);
        }
    }

    [Fact]
    public async Task Invert_SameOptions_SameCodes()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor crops = calm.Take(3);
        var inverter = new OptimizationInverter(calm.Generator, calm.Perceptual, calm.GeneratorContract.LatentLayers, calm.GeneratorContract.ZDim,
            new OptimizationInverterOptions { Iterations = 5 });

        Tensor a = inverter.Invert(crops), b = inverter.Invert(crops);

        Assert.Equal(0, (a - b).abs().max().item<float>());
    }
}
