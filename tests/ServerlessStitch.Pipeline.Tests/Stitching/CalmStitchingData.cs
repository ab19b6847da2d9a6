using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Pipeline.Stitching;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Stitching;

/// <summary>
/// Real inputs for the stitching tests, built once per process: calm frames with their ground-truth quads, aligned
/// crops, encoder pivots, a real smile edit (w + step · d with the manifest's direction and default step), its first
/// edit G(w_edit) and the masks from the segmenter on the original crops. The demo generator stands in for the PTI
/// generator. Nothing here is ever modified by a test.
/// </summary>
internal sealed class CalmStitchingData
{
    public const int FrameCount = 4;
    public const string Edit = "smile";

    private static readonly Lazy<Task<CalmStitchingData>> Shared = new(LoadAsync);

    private CalmStitchingData(ModelCatalog catalog, Frame[] frames, FaceQuad[] quads)
    {
        Catalog = catalog;
        Frames = frames;
        Quads = quads;
    }

    public ModelCatalog Catalog { get; }

    public ModelManifest Manifest => Catalog.Manifest;

    public int Resolution => Manifest.Models.Generator.Resolution;

    public jit.ScriptModule Generator => Catalog.Get(Manifest.Models.Generator);

    public Frame[] Frames { get; }

    public FaceQuad[] Quads { get; }

    /// <summary>Aligned crops [N, 3, R, R] in [-1, 1].</summary>
    public Tensor Crops { get; private set; } = null!;

    /// <summary>Edited W+ codes [N, L, D].</summary>
    public Tensor EditLatents { get; private set; } = null!;

    /// <summary>G(w_edit) [N, 3, R, R]: what a plain mask paste pastes.</summary>
    public Tensor Edited { get; private set; } = null!;

    public StitchingMasks Masks { get; private set; } = null!;

    public double EditStep { get; private set; }

    public static Task<CalmStitchingData> GetAsync() => Shared.Value;

    /// <summary>Frames [start, start + count) of every tensor, as views the caller disposes.</summary>
    public (Tensor Latents, Tensor Crops, StitchingMasks Masks) Slice(int start, int count) =>
        (EditLatents.narrow(0, start, count), Crops.narrow(0, start, count), Masks.Slice(start, count));

    private static async Task<CalmStitchingData> LoadAsync()
    {
        var manifest = ModelManifest.Load(Path.Combine(Repository.Root, "models", "manifest.json"));
        var catalog = new ModelCatalog(manifest);
        Frame[] frames = await Repository.DecodeAsync("calm.mp4", 0, FrameCount);
        float[][] landmarks = Repository.Landmarks("calm");
        FaceQuad[] quads = [.. Enumerable.Range(0, FrameCount).Select(i => FaceQuad.FromLandmarks(landmarks[i], LandmarkLayout.Ibug68))];
        var data = new CalmStitchingData(catalog, frames, quads);
        data.Build();
        return data;
    }

    private void Build()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Crops = new CropWarper(Resolution).Warp(Frames, Quads);
        Tensor pivots = Catalog.Get(Manifest.Models.Encoder).forward(Crops);
        NpyArray direction = Catalog.Direction(Edit);
        EditStep = Manifest.Direction(Edit).DefaultStep;
        Tensor d = tensor(direction.Values, [.. direction.Shape.Select(s => (long)s)]);
        EditLatents = pivots + (d.unsqueeze(0) * EditStep);
        Edited = Generator.forward(EditLatents);
        Masks = FaceMasks.Create(Catalog).Compute(Crops);
        foreach (Tensor t in new[] { Crops, EditLatents, Edited })
        {
            t.DetachFromDisposeScope();
        }
        Masks.Full.DetachFromDisposeScope();
        Masks.Border.DetachFromDisposeScope();
        Masks.Content.DetachFromDisposeScope();
    }
}
