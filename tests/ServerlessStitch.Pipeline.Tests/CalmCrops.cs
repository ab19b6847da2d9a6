using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests;

/// <summary>
/// The demo model set and every frame of samples/calm.mp4 as aligned crops [48, 3, R, R] in [-1, 1], built once per
/// process through the alignment stage (ground-truth landmarks → smoothed FaceTrack → CropWarper). Tests take
/// copies with <see cref="Take"/>; nothing here is modified.
/// </summary>
internal sealed class CalmCrops
{
    private static readonly Lazy<Task<CalmCrops>> Shared = new(LoadAsync);
    private readonly Tensor _crops;

    private CalmCrops(ModelCatalog catalog, Tensor crops)
    {
        Catalog = catalog;
        _crops = crops;
    }

    public ModelCatalog Catalog { get; }

    public ModelManifest Manifest => Catalog.Manifest;

    public GeneratorModel GeneratorContract => Manifest.Models.Generator;

    public jit.ScriptModule Generator => Catalog.Get(Manifest.Models.Generator);

    public jit.ScriptModule Encoder => Catalog.Get(Manifest.Models.Encoder);

    public jit.ScriptModule Perceptual => Catalog.Get(Manifest.Models.Perceptual);

    public jit.ScriptModule Identity => Catalog.Get(Manifest.Models.Identity);

    public int FrameCount => (int)_crops.size(0);

    public static Task<CalmCrops> GetAsync() => Shared.Value;

    /// <summary>A copy of the crops of <paramref name="frames"/>, [n, 3, R, R]; the caller owns it.</summary>
    public Tensor Take(params int[] frames)
    {
        using Tensor index = tensor([.. frames.Select(f => (long)f)]);
        return _crops.index_select(0, index);
    }

    private static async Task<CalmCrops> LoadAsync()
    {
        var manifest = ModelManifest.Load(Path.Combine(Repository.Root, "models", "manifest.json"));
        var catalog = new ModelCatalog(manifest);
        int resolution = manifest.Models.Generator.Resolution;
        float[][] landmarks = Repository.Landmarks("calm");
        float[][] detections = [.. landmarks.Select(lm => Enumerable.Range(0, 68).SelectMany(p => new[] { lm[2 * p], lm[(2 * p) + 1], 1f }).ToArray())];
        IReadOnlyList<FaceQuad> track = new FaceTrack(new AlignmentOptions { Resolution = resolution }, LandmarkLayout.Ibug68).Build(detections);
        Frame[] frames = await Repository.DecodeAsync("calm.mp4", 0, landmarks.Length);
        Tensor crops = new CropWarper(resolution).Warp(frames, [.. track.Take(frames.Length)]).DetachFromDisposeScope();
        return new CalmCrops(catalog, crops);
    }
}

/// <summary>Collects progress reports synchronously (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
internal sealed class ProgressLog<T> : IProgress<T>
{
    public List<T> Reports { get; } = [];

    public void Report(T value) => Reports.Add(value);
}

/// <summary>
/// The tests that optimise (PTI, optimisation inversion) each use both cores, and some count live tensors (a
/// process-wide figure), so they run alone: one after another and beside no other test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OptimisationGroup
{
    public const string Name = "Optimisation";
}
