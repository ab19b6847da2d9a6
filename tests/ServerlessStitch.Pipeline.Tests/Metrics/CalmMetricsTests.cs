using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Pipeline.Inversion;
using ServerlessStitch.Pipeline.Metrics;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Metrics;

/// <summary>The model-based metrics with the demo perceptual, identity and attribute models on calm crops.</summary>
public class CalmMetricsTests(ITestOutputHelper output)
{
    /// <summary>Every 4th frame of the 48: long enough for TG-ID to see drift, cheap to embed.</summary>
    private static readonly int[] Frames = [.. Enumerable.Range(0, 12).Select(i => 4 * i)];

    [Fact]
    public async Task Lpips_SameImagesZero_GrowsWithNoise()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        using var random = new Generator(9);
        Tensor crops = calm.Take(0, 20);
        Tensor noise = randn(crops.shape, generator: random);
        var lpips = new PerceptualDistance(calm.Perceptual);

        double same = lpips.Mean(crops, crops.clone()), small = lpips.Mean(crops, crops + (noise * 0.05)), large = lpips.Mean(crops, crops + (noise * 0.2));

        output.WriteLine($"LPIPS calm crops: identical {same:E2}, noise σ 0.05 {small:F4}, σ 0.2 {large:F4}");
        Assert.True(Math.Abs(same) < 1e-6);
        Assert.True(0 < small && small < large);
    }

    [Fact]
    public async Task Lpips_MoreImagesThanOneBatch_MatchesPairByPair()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        using var random = new Generator(4);
        int count = PerceptualDistance.BatchSize + 3;
        Tensor crops = calm.Take([.. Enumerable.Range(0, count)]);
        Tensor noisy = crops + (randn(crops.shape, generator: random) * 0.1);
        var lpips = new PerceptualDistance(calm.Perceptual);

        double[] batched = lpips.PerImage(crops, noisy);

        Assert.Equal(count, batched.Length);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(lpips.PerImage(crops.narrow(0, i, 1), noisy.narrow(0, i, 1))[0], batched[i], 1e-5);
        }
    }

    [Fact]
    public async Task Identity_SameCropIsOne_OtherFrameBelowOne()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        var identity = new IdentitySimilarity(calm.Identity, calm.Manifest.Models.Identity);
        Tensor first = calm.Take(0, 0), other = calm.Take(0, 47);

        double[] cosine = identity.Cosine(first, other);

        output.WriteLine($"identity cosine calm frame 0 vs 0: {cosine[0]:F6}; 0 vs 47: {cosine[1]:F4}");
        Assert.Equal(1.0, cosine[0], 5);
        Assert.True(cosine[1] < 1 && cosine[1] > 0, $"frames 0 and 47: {cosine[1]:F4}");
    }

    [Fact]
    public async Task TemporalIdentity_EncoderReconstructionAndSmileEdit_Figures()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        var identity = new IdentitySimilarity(calm.Identity, calm.Manifest.Models.Identity);
        var attributes = new AttributeScorer(calm.Catalog.Get(calm.Manifest.Models.Attributes!), calm.Manifest.Models.Attributes!);
        Tensor crops = calm.Take(Frames);
        Tensor pivots = new EncoderInverter(calm.Encoder).Invert(crops);
        LatentEditor smile = LatentEditor.Load(calm.Catalog, [EditSpec.Parse("smile")]);
        Tensor inverted, edited;
        using (no_grad())
        {
            inverted = calm.Generator.forward(pivots);
            edited = calm.Generator.forward(smile.Apply(pivots));
        }
        Tensor original = identity.Embed(crops);

        TemporalIdentityScores self = TemporalIdentity.Score(original, original);
        TemporalIdentityScores reconstruction = TemporalIdentity.Score(identity.Embed(inverted), original);
        TemporalIdentityScores smiling = TemporalIdentity.Score(identity.Embed(edited), original);
        double smileChange = attributes.Change(inverted, edited, "smile"), ageChange = attributes.Change(inverted, edited, "age");
        double identityToInput = identity.Cosine(edited, crops).Average();

        output.WriteLine($"calm, {Frames.Length} frames (every 4th), demo generator without PTI: TL-ID/TG-ID input {self.Local:F4}/{self.Global:F4}; " +
                         $"encoder reconstruction {reconstruction.Local:F4}/{reconstruction.Global:F4}; smile={smile.Edits[0].Step} edit " +
                         $"{smiling.Local:F4}/{smiling.Global:F4}; smile score change {smileChange:+0.000;-0.000} of range, age {ageChange:+0.000;-0.000}; " +
                         $"identity to input {identityToInput:F4}");
        Assert.Equal(1.0, self.Local, 9);
        Assert.Equal(1.0, self.Global, 9);
        Assert.InRange(reconstruction.Local, 0.5, 1.5);
        Assert.True(smileChange > 0, $"the smile edit moved the smile score by {smileChange:F3}");
        Assert.Equal(0, attributes.Change(edited, edited, "smile"), 12);
    }

    [Fact]
    public async Task Attributes_UnknownName_ThrowsListingNames()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        using var scope = NewDisposeScope();
        var attributes = new AttributeScorer(calm.Catalog.Get(calm.Manifest.Models.Attributes!), calm.Manifest.Models.Attributes!);

        var ex = Assert.Throws<ArgumentException>(() => attributes.Score(calm.Take(0), "frown"));

        foreach (string name in attributes.Names)
        {
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }
    }
}
