using ServerlessStitch.Pipeline.Inversion;
using ServerlessStitch.Pipeline.Metrics;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Inversion;

public class EncoderInverterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Invert_CalmCrops_GivesWPlusPerFrame()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor crops = calm.Take(0, 10, 20, 30, 40);

        Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);

        Assert.Equal([5L, calm.GeneratorContract.LatentLayers, calm.GeneratorContract.LatentDim], pivots.shape);
        Assert.False(pivots.requires_grad);
        using (no_grad())
        {
            double psnr = Psnr.Mean(calm.Generator.forward(pivots), crops);
            output.WriteLine($"encoder-only reconstruction of 5 calm crops: PSNR {psnr:F2} dB");
            Assert.True(psnr > 15, $"encoder inversion PSNR {psnr:F2} dB");
        }
    }

    [Fact]
    public async Task Invert_BatchOfThreeVersusOneByOne_SameCodes()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor crops = calm.Take(0, 1, 2, 3, 4, 5, 6);

        Tensor batched = new EncoderInverter(calm.Encoder, new EncoderInverterOptions { BatchSize = 3 }).Invert(crops);
        Tensor single = new EncoderInverter(calm.Encoder, new EncoderInverterOptions { BatchSize = 1 }).Invert(crops);
        Tensor whole = new EncoderInverter(calm.Encoder, new EncoderInverterOptions { BatchSize = 64 }).Invert(crops);

        double diff = (batched - single).abs().max().item<float>(), diffWhole = (whole - single).abs().max().item<float>();
        output.WriteLine($"batch 3 vs 1: max |Δw| {diff:E2}; batch 64 vs 1: {diffWhole:E2}");
        Assert.True(diff < 1e-5 && diffWhole < 1e-5, $"batching changed the codes by {Math.Max(diff, diffWhole):E2}");
    }

    [Fact]
    public async Task Invert_WrongShape_ThrowsNamingShape()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using Tensor grey = zeros([2, 64, 64]);
        var ex = Assert.Throws<ArgumentException>(() => new EncoderInverter(calm.Encoder).Invert(grey));
        Assert.Contains("[2, 64, 64]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeanLatent_DemoGenerator_ExportedLatentAvgMatchesMappingMean()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        Tensor stored = MeanLatent.Of(calm.Generator, calm.GeneratorContract.ZDim);
        Tensor sampled;
        using (no_grad())
        {
            using var random = new Generator(3);
            sampled = calm.Generator.invoke("mapping", randn([10_000, calm.GeneratorContract.ZDim], generator: random)).mean(0, keepdim: true);
        }
        double relative = ((stored - sampled).norm() / sampled.norm()).item<float>();
        output.WriteLine($"mean latent: |latent_avg − mean mapping(z)| / |mean| = {relative:F4}");
        Assert.Equal([1L, calm.GeneratorContract.LatentDim], stored.shape);
        Assert.True(relative < 0.1, $"latent_avg is {relative:P1} away from the sampled mean");
    }
}
