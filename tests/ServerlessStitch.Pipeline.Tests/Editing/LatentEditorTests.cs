using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Editing;

public sealed class LatentEditorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("latent-editor-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EnsureKnown_UnknownName_ThrowsListingKnownEdits()
    {
        CalmCrops calm = await CalmCrops.GetAsync();

        var ex = Assert.Throws<UnknownEditException>(() => LatentEditor.EnsureKnown(calm.Manifest, EditSpec.ParseAll(["smile=1", "frown=2"])));

        Assert.Equal("frown", ex.Name);
        foreach (string known in calm.Manifest.Directions.Keys)
        {
            Assert.Contains(known, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Load_UnknownNameAfterAFileEdit_RefusedBeforeReadingAnyFile()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        string corrupt = Path.Combine(_dir, "corrupt.npy");
        await File.WriteAllTextAsync(corrupt, "not numpy");

        // The corrupt file comes first: the unknown name must be the error, so nothing was read before the check.
        Assert.Throws<UnknownEditException>(() => LatentEditor.Load(calm.Catalog, EditSpec.ParseAll([corrupt + "=1", "frown"])));
        Assert.Throws<EditDirectionException>(() => LatentEditor.Load(calm.Catalog, EditSpec.ParseAll([corrupt + "=1"])));
    }

    [Fact]
    public async Task Load_MissingDirectionFile_ThrowsNamingPath()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        string missing = Path.Combine(_dir, "nope.npy");

        var ex = Assert.Throws<EditDirectionException>(() => LatentEditor.Load(calm.Catalog, [EditSpec.File(missing, 1)]));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_NoStep_TakesManifestDefault()
    {
        CalmCrops calm = await CalmCrops.GetAsync();

        LatentEditor editor = LatentEditor.Load(calm.Catalog, [EditSpec.Parse("smile")]);

        Assert.Equal(calm.Manifest.Direction("smile").DefaultStep, editor.Edits.Single().Step);
    }

    [Fact]
    public async Task Apply_TwoEdits_AddBothShifts()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        GeneratorModel g = calm.GeneratorContract;
        using var scope = NewDisposeScope();
        LatentEditor editor = LatentEditor.Load(calm.Catalog, EditSpec.ParseAll(["smile=1.5", "age=-1"]));
        Tensor smile = tensor(LatentEditor.Broadcast(calm.Catalog.Direction("smile"), g.LatentLayers, g.LatentDim, "smile"), [g.LatentLayers, g.LatentDim]);
        Tensor age = tensor(LatentEditor.Broadcast(calm.Catalog.Direction("age"), g.LatentLayers, g.LatentDim, "age"), [g.LatentLayers, g.LatentDim]);
        using var random = new Generator(5);
        Tensor w = randn([3, g.LatentLayers, g.LatentDim], generator: random);

        Tensor edited = editor.Apply(w);

        Tensor expected = w + (smile * 1.5) - age;
        Assert.Equal(w.shape, edited.shape);
        Assert.True((edited - expected).abs().max().item<float>() < 1e-5);
        Tensor single = editor.Apply(w.select(0, 1));
        Assert.True((single - expected.select(0, 1)).abs().max().item<float>() < 1e-5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Load_DFileOr1xDFile_BroadcastOverLayers(bool interFaceGanLayout)
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        GeneratorModel g = calm.GeneratorContract;
        float[] d = [.. Enumerable.Range(0, g.LatentDim).Select(i => (float)Math.Sin(i))];
        string path = Path.Combine(_dir, "d.npy");
        await using (var file = File.Create(path))
        {
            new NpyArray(d, interFaceGanLayout ? [1, g.LatentDim] : [g.LatentDim]).Write(file);
        }
        using var scope = NewDisposeScope();

        LatentEditor editor = LatentEditor.Load(calm.Catalog, [EditSpec.Parse(path + "=2")]);
        Tensor delta = editor.Delta();

        Assert.Equal([(long)g.LatentLayers, g.LatentDim], delta.shape);
        float[] values = delta.data<float>();
        for (int l = 0; l < g.LatentLayers; l++)
        {
            for (int i = 0; i < g.LatentDim; i++)
            {
                Assert.Equal(2 * d[i], values[(l * g.LatentDim) + i], 6);
            }
        }
        Assert.Equal(EditSpec.DefaultFileStep, LatentEditor.Load(calm.Catalog, [EditSpec.Parse(path)]).Edits[0].Step);
    }

    [Fact]
    public async Task Load_DirectionOfWrongShape_ThrowsNamingShape()
    {
        CalmCrops calm = await CalmCrops.GetAsync();
        string path = Path.Combine(_dir, "bad.npy");
        await using (var file = File.Create(path))
        {
            new NpyArray(new float[15], [3, 5]).Write(file);
        }

        var ex = Assert.Throws<EditDirectionException>(() => LatentEditor.Load(calm.Catalog, [EditSpec.Parse(path)]));

        Assert.Contains("[3, 5]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_CodesOfOtherShape_Throws()
    {
        var editor = new LatentEditor([new LatentEdit("x", 1, new float[8], "test")], 2, 4);
        using Tensor w = zeros([1, 3, 4]);
        Assert.Throws<ArgumentException>(() => editor.Apply(w));
    }
}
