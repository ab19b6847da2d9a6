namespace ServerlessStitch.Models;

/// <summary>
/// Finds the model set to use: an explicit path, else <c>STITCH_MODELS</c>, else the <c>models/manifest.json</c>
/// of the checkout the program runs from (so <c>make demo</c> works without configuration).
/// </summary>
public static class ModelManifestLocator
{
    public const string EnvironmentVariable = "STITCH_MODELS";
    private static readonly string Relative = Path.Combine("models", "manifest.json");

    public static string Locate(string? explicitPath = null)
    {
        string? configured = explicitPath ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            string path = Directory.Exists(configured) ? Path.Combine(configured, "manifest.json") : configured;
            return File.Exists(path)
                ? Path.GetFullPath(path)
                : throw new ModelException($"Model manifest {Path.GetFullPath(path)} does not exist (from {(explicitPath is null ? EnvironmentVariable : "--models")}).");
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, Relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new ModelException($"No model set found: pass --models PATH or set {EnvironmentVariable} to a manifest.json " +
                                 "(the demo set is models/manifest.json in the repository).");
    }
}
