using ServerlessStitch.Models;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>One file a model set's manifest vouches for: its path relative to the manifest's folder and its sha256.</summary>
public sealed record ModelSetFile(string RelativePath, string Sha256);

/// <summary>The files of a model set as they travel between a folder and a blob container (manifest.json beside them).</summary>
public static class ModelSetFiles
{
    public const string ManifestName = "manifest.json";

    /// <summary>Every model and direction file of <paramref name="manifest"/>, each once, with '/' separators.</summary>
    public static IReadOnlyList<ModelSetFile> Of(ModelManifest manifest)
    {
        Check.NotNull(manifest);
        var files = manifest.Models.All().Select(m => m.File)
            .Concat(manifest.Directions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => (ModelFile)d.Value));
        var seen = new Dictionary<string, ModelSetFile>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            string relative = Normalise(file.File);
            if (seen.TryGetValue(relative, out var earlier) && !string.Equals(earlier.Sha256, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelSetLayoutException($"The manifest names {relative} twice with different sha256 ({earlier.Sha256}, {file.Sha256}).");
            }
            seen[relative] = new ModelSetFile(relative, file.Sha256.ToLowerInvariant());
        }
        return [.. seen.Values];
    }

    /// <summary>The blob name of a file (or of the manifest) under <paramref name="prefix"/> ("" or "folder/").</summary>
    public static string BlobName(string prefix, string relativePath) => NormalisePrefix(prefix) + relativePath;

    /// <summary>"" stays ""; "a/b" and "/a/b/" become "a/b/".</summary>
    public static string NormalisePrefix(string? prefix)
    {
        string trimmed = (prefix ?? "").Trim().Trim('/');
        return trimmed.Length == 0 ? "" : trimmed + "/";
    }

    /// <summary>A manifest path as a relative '/' path that stays inside the set's folder (a blob name and a cache path alike).</summary>
    private static string Normalise(string path)
    {
        string relative = path.Replace('\\', '/');
        var parts = relative.Split('/');
        if (relative.Length == 0 || relative.StartsWith('/') || Path.IsPathRooted(path) || parts.Any(p => p is "" or "." or ".."))
        {
            // A set is copied into containers and caches: a path that leaves its folder would write elsewhere.
            throw new ModelSetLayoutException($"The manifest names the file '{path}'; model files must be relative paths inside the manifest's folder (no '..', no absolute paths).");
        }
        return relative;
    }
}
