using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessStitch.Models;

/// <summary>
/// <c>models/manifest.json</c>: which TorchScript file serves each contract of DESIGN.md §4, with its
/// sha256 and the facts the pipeline needs (resolutions, latent shape, mask classes, landmark indices,
/// edit directions). File paths inside are relative to the manifest's folder.
/// </summary>
public sealed record ModelManifest
{
    public const int SupportedVersion = 1;

    public required int Version { get; init; }
    public required string Name { get; init; }
    public required ModelSet Models { get; init; }
    public IReadOnlyDictionary<string, DirectionEntry> Directions { get; init; } = new Dictionary<string, DirectionEntry>();

    /// <summary>The folder the manifest was read from; model paths resolve against it.</summary>
    [JsonIgnore]
    public string BaseDirectory { get; init; } = "";

    public string PathOf(ModelFile file) => Path.GetFullPath(Path.Combine(BaseDirectory, file.File));

    /// <summary>The direction named <paramref name="name"/>, or an error listing the known ones.</summary>
    public DirectionEntry Direction(string name) =>
        Directions.TryGetValue(name, out var direction)
            ? direction
            : throw new UnknownEditException(name, Directions.Keys);

    /// <summary>Reads and validates a manifest; every problem is reported as <see cref="ModelManifestException"/>.</summary>
    public static ModelManifest Load(string path)
    {
        string fullPath = Path.GetFullPath(path);
        ModelManifest? manifest;
        try
        {
            using var stream = File.OpenRead(fullPath);
            manifest = JsonSerializer.Deserialize<ModelManifest>(stream, SerializerOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelManifestException(fullPath, $"cannot be read ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw new ModelManifestException(fullPath, $"is not a valid manifest ({e.Message})", e);
        }

        if (manifest is null)
        {
            throw new ModelManifestException(fullPath, "is empty");
        }
        if (manifest.Version != SupportedVersion)
        {
            throw new ModelManifestException(fullPath, $"has version {manifest.Version}; this build reads version {SupportedVersion}");
        }
        return manifest with { BaseDirectory = Path.GetDirectoryName(fullPath)! };
    }

    internal static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };
}

/// <summary>The seven models of a complete set.</summary>
public sealed record ModelSet
{
    public required GeneratorModel Generator { get; init; }
    public required EncoderModel Encoder { get; init; }
    public required SegmenterModel Segmenter { get; init; }
    public required LandmarkModel Landmarks { get; init; }
    public required ModelFile Perceptual { get; init; }
    public required IdentityModel Identity { get; init; }
    public AttributeModel? Attributes { get; init; }

    /// <summary>Every model file with the contract name it serves, for verification and listing.</summary>
    public IEnumerable<(string Contract, ModelFile File)> All()
    {
        yield return ("generator", Generator);
        yield return ("encoder", Encoder);
        yield return ("segmenter", Segmenter);
        yield return ("landmarks", Landmarks);
        yield return ("perceptual", Perceptual);
        yield return ("identity", Identity);
        if (Attributes is not null)
        {
            yield return ("attributes", Attributes);
        }
    }
}

/// <summary>A file the manifest vouches for by its sha256.</summary>
public record ModelFile
{
    public required string File { get; init; }
    public required string Sha256 { get; init; }
}

/// <summary><c>forward(w)</c>: W+ [N, L, D] → image [N, 3, R, R] in [-1, 1]; <c>mapping(z)</c>: [N, Dz] → [N, D].</summary>
public sealed record GeneratorModel : ModelFile
{
    public required int Resolution { get; init; }
    public required int LatentLayers { get; init; }
    public required int LatentDim { get; init; }
    public required int ZDim { get; init; }
}

/// <summary><c>forward(x)</c>: aligned crop [N, 3, R, R] in [-1, 1] → W+ [N, L, D].</summary>
public sealed record EncoderModel : ModelFile
{
    public required int InputResolution { get; init; }
}

/// <summary><c>forward(x)</c>: crop [N, 3, S, S] in [-1, 1] → logits [N, C, S, S].</summary>
public sealed record SegmenterModel : ModelFile
{
    public required int InputResolution { get; init; }
    public required int Classes { get; init; }

    /// <summary>The classes whose union is the face mask (STIT-NOTES: all but background, cloth, hat).</summary>
    public required IReadOnlyList<int> FaceClasses { get; init; }
}

/// <summary><c>forward(x)</c>: whole frame [1, 3, H, W] in [0, 1] → [K, 3] (x px, y px, score).</summary>
public sealed record LandmarkModel : ModelFile
{
    public required int Points { get; init; }
    public required IReadOnlyList<int> LeftEye { get; init; }
    public required IReadOnlyList<int> RightEye { get; init; }
    public required int MouthLeft { get; init; }
    public required int MouthRight { get; init; }

    /// <summary>Below this mean score a frame counts as having no face.</summary>
    public double MinScore { get; init; } = 0.5;
}

/// <summary><c>forward(x)</c>: aligned crop → L2-normalised embedding [N, E].</summary>
public sealed record IdentityModel : ModelFile
{
    public required int InputResolution { get; init; }
    public required int EmbeddingDim { get; init; }
}

/// <summary><c>forward(x)</c>: aligned crop → attribute scores [N, A], used to verify edits.</summary>
public sealed record AttributeModel : ModelFile
{
    public required int InputResolution { get; init; }
    public required IReadOnlyList<string> Names { get; init; }
    public required IReadOnlyDictionary<string, double[]> Ranges { get; init; }
}

/// <summary>A latent edit direction (InterFaceGAN layout [1, D] or per-layer [L, D]).</summary>
public sealed record DirectionEntry : ModelFile
{
    public required IReadOnlyList<int> Shape { get; init; }
    public required double DefaultStep { get; init; }
    public string? Attribute { get; init; }
}
