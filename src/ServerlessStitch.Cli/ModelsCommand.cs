using System.CommandLine;
using System.Globalization;
using ServerlessStitch.Models;

namespace ServerlessStitch.Cli;

/// <summary><c>stitch models</c>: lists the model set and its edits; <c>--check</c> also verifies every contract.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var models = CommonOptions.Models();
        var check = new Option<bool>("--check") { Description = "Verify every sha256 and run each model once against its contract." };
        var command = new Command("models", "List the model set and the edits it offers.") { models, check };
        command.SetAction(result => Run(result.GetValue(models), result.GetValue(check), Console.Out));
        return command;
    }

    internal static int Run(string? modelsPath, bool check, TextWriter output)
    {
        var manifest = ModelManifest.Load(ModelManifestLocator.Locate(modelsPath));
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine($"model set '{manifest.Name}' ({Path.Combine(manifest.BaseDirectory, "manifest.json")})");
        foreach (var (contract, file) in manifest.Models.All())
        {
            var info = new FileInfo(manifest.PathOf(file));
            string size = info.Exists ? string.Format(culture, "{0,8:F2} MB", info.Length / 1e6) : "  missing";
            output.WriteLine($"  {contract,-11}{size}  {file.File}  sha256 {file.Sha256[..12]}…");
        }
        output.WriteLine("edits (--edit NAME=STEP):");
        foreach (var (name, direction) in manifest.Directions.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Format(culture, "  {0,-11}default step {1}, direction [{2}]", name, direction.DefaultStep, string.Join(", ", direction.Shape)));
        }

        if (check)
        {
            using var catalog = new ModelCatalog(manifest);
            foreach (string line in new ModelContractChecker(catalog).CheckAll())
            {
                output.WriteLine($"  ok  {line}");
            }
        }
        return 0;
    }
}
