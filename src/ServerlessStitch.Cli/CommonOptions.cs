using System.CommandLine;

namespace ServerlessStitch.Cli;

/// <summary>Options more than one command takes, defined once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> Models() => new("--models")
    {
        Description = "Model manifest (or its folder). Default: $STITCH_MODELS, else models/manifest.json of this checkout.",
    };
}
