using ServerlessStitch.Models;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Editing;

/// <summary>One resolved edit: the step and the direction as <c>[L, D]</c> (a <c>[D]</c> direction already broadcast).</summary>
public sealed record LatentEdit(string Name, double Step, float[] Direction, string Source);

/// <summary>
/// Linear latent editing (paper §3.4, InterFaceGAN): e_i = w_i + δw with δw = Σ_k step_k · direction_k, the same
/// shift for every frame, so several edits apply at once. A <c>[D]</c> (or InterFaceGAN <c>[1, D]</c>) direction
/// moves every W+ layer; an <c>[L, D]</c> one moves each layer by its row. The step multiplies the direction as
/// stored (the reference code's "factor / 2" convention is not applied: the manifest's default steps are in our units).
/// </summary>
public sealed class LatentEditor
{
    private readonly float[] _delta;

    /// <param name="edits">Resolved edits, each with an <c>[L, D]</c> direction (<paramref name="layers"/> × <paramref name="dim"/> values).</param>
    public LatentEditor(IEnumerable<LatentEdit> edits, int layers, int dim)
    {
        Edits = [.. Check.NotNull(edits)];
        Layers = Check.Positive(layers);
        Dim = Check.Positive(dim);
        _delta = new float[layers * dim];
        foreach (LatentEdit edit in Edits)
        {
            if (edit.Direction.Length != _delta.Length)
            {
                throw new ArgumentException($"Edit '{edit.Name}' has {edit.Direction.Length} values; W+ [{layers}, {dim}] needs {_delta.Length}.", nameof(edits));
            }
            for (int i = 0; i < _delta.Length; i++)
            {
                _delta[i] += (float)(edit.Step * edit.Direction[i]);
            }
        }
    }

    public IReadOnlyList<LatentEdit> Edits { get; }
    public int Layers { get; }
    public int Dim { get; }

    /// <summary>
    /// Refuses, before any work starts, an edit whose name the model set does not know (<see cref="UnknownEditException"/>
    /// listing the known names) or whose direction file does not exist (<see cref="EditDirectionException"/>).
    /// </summary>
    public static void EnsureKnown(ModelManifest manifest, IEnumerable<EditSpec> edits)
    {
        Check.NotNull(manifest);
        foreach (EditSpec edit in Check.NotNull(edits))
        {
            if (edit.DirectionPath is { } path)
            {
                if (!System.IO.File.Exists(path))
                {
                    throw new EditDirectionException(path, "does not exist");
                }
            }
            else
            {
                _ = manifest.Direction(edit.Name);
            }
        }
    }

    /// <summary>
    /// Resolves <paramref name="edits"/> against the catalog's manifest: all names are checked first
    /// (<see cref="EnsureKnown"/>), then each direction is read (manifest directions verified by sha256) and shaped
    /// to <c>[L, D]</c>; a missing step takes the manifest's <c>default_step</c>.
    /// </summary>
    public static LatentEditor Load(ModelCatalog catalog, IEnumerable<EditSpec> edits)
    {
        Check.NotNull(catalog);
        IReadOnlyList<EditSpec> specs = [.. Check.NotNull(edits)];
        ModelManifest manifest = catalog.Manifest;
        EnsureKnown(manifest, specs);
        int layers = manifest.Models.Generator.LatentLayers, dim = manifest.Models.Generator.LatentDim;
        var resolved = new List<LatentEdit>();
        foreach (EditSpec spec in specs)
        {
            if (spec.DirectionPath is { } path)
            {
                NpyArray array;
                try
                {
                    array = NpyArray.Read(path);
                }
                catch (ModelException e)
                {
                    throw new EditDirectionException(path, $"cannot be read as a .npy array ({e.Message})", e);
                }
                resolved.Add(new LatentEdit(spec.Name, spec.Step ?? EditSpec.DefaultFileStep, Broadcast(array, layers, dim, path), path));
            }
            else
            {
                DirectionEntry entry = manifest.Direction(spec.Name);
                string source = manifest.PathOf(entry);
                resolved.Add(new LatentEdit(spec.Name, spec.Step ?? entry.DefaultStep, Broadcast(catalog.Direction(spec.Name), layers, dim, source), source));
            }
        }
        return new LatentEditor(resolved, layers, dim);
    }

    /// <summary>A direction <c>[D]</c>, <c>[1, D]</c> or <c>[L, D]</c> as <c>[L, D]</c> values; any other shape throws naming it.</summary>
    public static float[] Broadcast(NpyArray direction, int layers, int dim, string source)
    {
        Check.NotNull(direction);
        int[] shape = direction.Shape;
        while (shape.Length > 2 && shape[0] == 1)
        {
            shape = shape[1..];   // [1, L, D] → [L, D]
        }
        if (shape is [var d] && d == dim || shape is [1, var d1] && d1 == dim)
        {
            var values = new float[layers * dim];
            for (int l = 0; l < layers; l++)
            {
                direction.Values.AsSpan(0, dim).CopyTo(values.AsSpan(l * dim, dim));
            }
            return values;
        }
        if (shape is [var l2, var d2] && l2 == layers && d2 == dim)
        {
            return [.. direction.Values];
        }
        throw new EditDirectionException(source,
            $"has shape [{string.Join(", ", direction.Shape)}]; a direction for W+ [{layers}, {dim}] is [{dim}], [1, {dim}] or [{layers}, {dim}]");
    }

    /// <summary>δw = Σ step_k · direction_k as <c>[L, D]</c> (a new tensor the caller owns).</summary>
    public Tensor Delta(Device? device = null) => tensor(_delta, [Layers, Dim], device);

    /// <summary>e = w + δw for codes <c>[N, L, D]</c> or <c>[L, D]</c> (a new tensor the caller owns).</summary>
    public Tensor Apply(Tensor w)
    {
        Check.NotNull(w);
        long[] shape = w.shape;
        if (shape.Length is < 2 or > 3 || shape[^2] != Layers || shape[^1] != Dim)
        {
            throw new ArgumentException($"Expected W+ codes [N, {Layers}, {Dim}] or [{Layers}, {Dim}]; got [{string.Join(", ", shape)}].", nameof(w));
        }
        using Tensor delta = Delta(w.device);
        return w + delta;
    }
}

/// <summary>A direction file that is missing, unreadable or of the wrong shape for the generator's W+.</summary>
public sealed class EditDirectionException(string path, string problem, Exception? inner = null)
    : ModelException($"Edit direction {path} {problem}.", inner)
{
    public string DirectionPath { get; } = path;
}
