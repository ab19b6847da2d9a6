using ServerlessStitch.Pipeline.Metrics;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Metrics;

public class TemporalIdentityTests
{
    [Fact]
    public void Score_VideoAgainstItself_IsOne()
    {
        using var scope = NewDisposeScope();
        using var random = new Generator(2);
        Tensor embeddings = randn([12, 16], generator: random) + 2;   // correlated, as frames of one face are

        TemporalIdentityScores scores = TemporalIdentity.Score(embeddings, embeddings.clone());

        Assert.Equal(1.0, scores.Local, 12);
        Assert.Equal(1.0, scores.Global, 12);
    }

    [Fact]
    public void Score_KnownEmbeddings_PaperDefinition()
    {
        using var scope = NewDisposeScope();
        // Original: every frame has the same identity (all similarities 1), except frames 1 and 2 at cosine 0.8.
        Tensor original = tensor([1f, 0f, 1f, 0f, 0.8f, 0.6f], [3, 2]);
        // Edited: frame 1 turned to cosine 0.6 from frames 0 and 2.
        Tensor edited = tensor([1f, 0f, 0.6f, 0.8f, 1f, 0f], [3, 2]);
        // Original similarities: s01 = 1, s02 = 0.8, s12 = 0.8. Edited: e01 = 0.6, e02 = 1, e12 = 0.6.
        // TL-ID = mean(e01/s01, e12/s12) = (0.6 + 0.75) / 2; TG-ID = mean over the 3 pairs = (0.6 + 1.25 + 0.75) / 3.

        TemporalIdentityScores scores = TemporalIdentity.Score(edited, original);

        Assert.Equal((0.6 + 0.75) / 2, scores.Local, 6);
        Assert.Equal((0.6 + 1.25 + 0.75) / 3, scores.Global, 6);
    }

    [Fact]
    public void Score_ScaledEmbeddings_SameScores()
    {
        using var scope = NewDisposeScope();
        using var random = new Generator(4);
        Tensor original = randn([6, 8], generator: random) + 1, edited = randn([6, 8], generator: random) + 1;

        TemporalIdentityScores plain = TemporalIdentity.Score(edited, original), scaled = TemporalIdentity.Score(edited * 3.0, original * 0.5);

        Assert.Equal(plain.Local, scaled.Local, 5);
        Assert.Equal(plain.Global, scaled.Global, 5);
    }

    [Fact]
    public void Score_OneFrame_Throws()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => TemporalIdentity.Score(ones([1, 4]), ones([1, 4])));
    }
}
