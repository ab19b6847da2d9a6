using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch.jit;

namespace ServerlessStitch.Models;

/// <summary>
/// Runs every model of a set once on small seeded inputs and checks the shapes DESIGN.md §4 promises,
/// so a mismatched or mis-converted file is caught when the set is loaded, not in the middle of a job.
/// </summary>
public sealed class ModelContractChecker(ModelCatalog catalog)
{
    private const int Batch = 2;

    /// <summary>Checks every model and direction; returns one line per contract, or throws <see cref="ModelContractException"/>.</summary>
    public IReadOnlyList<string> CheckAll()
    {
        var models = catalog.Manifest.Models;
        var report = new List<string>();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var random = new torch.Generator(seed: 0);

        var g = models.Generator;
        var z = torch.randn([Batch, g.ZDim], generator: random);
        var w = Call("generator", g, "mapping", z);
        Expect("generator", g, "mapping(z)", w, [Batch, g.LatentDim]);
        var wPlus = w.unsqueeze(1).expand(Batch, g.LatentLayers, g.LatentDim).contiguous();
        var image = Call("generator", g, "forward", wPlus);
        Expect("generator", g, "forward(w)", image, [Batch, 3, g.Resolution, g.Resolution]);
        report.Add($"generator: W+ [{g.LatentLayers}, {g.LatentDim}] -> {g.Resolution}x{g.Resolution}, z {g.ZDim}");

        var e = models.Encoder;
        var crop = Crop(e.InputResolution, random);
        Expect("encoder", e, "forward(x)", Call("encoder", e, "forward", crop), [Batch, g.LatentLayers, g.LatentDim]);
        report.Add($"encoder: {e.InputResolution}x{e.InputResolution} -> W+ [{g.LatentLayers}, {g.LatentDim}]");

        var s = models.Segmenter;
        Expect("segmenter", s, "forward(x)", Call("segmenter", s, "forward", Crop(s.InputResolution, random)),
            [Batch, s.Classes, s.InputResolution, s.InputResolution]);
        report.Add($"segmenter: {s.Classes} classes at {s.InputResolution}x{s.InputResolution}, face = [{string.Join(",", s.FaceClasses)}]");

        var l = models.Landmarks;
        // A non-square frame, because real videos are rarely square.
        var frame = torch.rand([1, 3, 96, 128], generator: random);
        Expect("landmarks", l, "forward(frame)", Call("landmarks", l, "forward", frame), [l.Points, 3]);
        report.Add($"landmarks: {l.Points} points from a whole frame");

        var p = models.Perceptual;
        var a = Crop(g.Resolution, random);
        var distance = Call("perceptual", p, "forward", a, Crop(g.Resolution, random));
        Expect("perceptual", p, "forward(a, b)", distance, [Batch]);
        float self = Call("perceptual", p, "forward", a, a).abs().max().item<float>();
        if (self > 1e-4f)
        {
            throw new ModelContractException("perceptual", catalog.Manifest.PathOf(p), $"the distance of an image to itself is {self}, not 0");
        }
        report.Add("perceptual: distance [N], zero on identical inputs");

        var i = models.Identity;
        var embedding = Call("identity", i, "forward", Crop(i.InputResolution, random));
        Expect("identity", i, "forward(x)", embedding, [Batch, i.EmbeddingDim]);
        float normError = (embedding.norm(2, [1]) - 1).abs().max().item<float>();
        if (normError > 1e-3f)
        {
            throw new ModelContractException("identity", catalog.Manifest.PathOf(i), $"embeddings are not L2-normalised (|norm - 1| up to {normError})");
        }
        report.Add($"identity: {i.EmbeddingDim}-d unit embeddings");

        if (models.Attributes is { } attributes)
        {
            Expect("attributes", attributes, "forward(x)", Call("attributes", attributes, "forward", Crop(attributes.InputResolution, random)),
                [Batch, attributes.Names.Count]);
            report.Add($"attributes: {string.Join(", ", attributes.Names)}");
        }

        foreach (var (name, direction) in catalog.Manifest.Directions.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var values = catalog.Direction(name);
            bool layout = values.Shape.Length == 2 && values.Shape[1] == g.LatentDim && (values.Shape[0] == 1 || values.Shape[0] == g.LatentLayers);
            if (!layout || !values.Shape.SequenceEqual(direction.Shape))
            {
                throw new ModelContractException($"direction '{name}'", catalog.Manifest.PathOf(direction),
                    $"shape [{string.Join(", ", values.Shape)}] is neither [1, {g.LatentDim}] nor [{g.LatentLayers}, {g.LatentDim}] as the manifest says");
            }
            report.Add($"direction {name}: [{string.Join(", ", values.Shape)}], default step {direction.DefaultStep}");
        }
        return report;
    }

    private static torch.Tensor Crop(int size, torch.Generator random) => torch.rand([Batch, 3, size, size], generator: random) * 2 - 1;

    private torch.Tensor Call(string contract, ModelFile file, string method, params torch.Tensor[] inputs)
    {
        ScriptModule module = catalog.Get(file);
        try
        {
            return module.invoke(method, inputs);
        }
        catch (TorchException e)
        {
            throw new ModelContractException(contract, catalog.Manifest.PathOf(file), $"{method} failed: {e.Message}", e);
        }
    }

    private void Expect(string contract, ModelFile file, string call, torch.Tensor output, long[] shape)
    {
        if (!output.shape.SequenceEqual(shape))
        {
            throw new ModelContractException(contract, catalog.Manifest.PathOf(file),
                $"{call} returned shape [{string.Join(", ", output.shape)}], expected [{string.Join(", ", shape)}]");
        }
        // NaN and infinity both survive abs().max(), so one reduction checks every element.
        if (!float.IsFinite(output.abs().max().item<float>()))
        {
            throw new ModelContractException(contract, catalog.Manifest.PathOf(file), $"{call} returned NaN or infinite values");
        }
    }
}
