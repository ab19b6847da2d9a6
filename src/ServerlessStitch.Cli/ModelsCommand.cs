using System.CommandLine;
using System.Globalization;
using ServerlessStitch.Models;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Cli;

/// <summary>
/// <c>stitch models</c>: lists the model set and its edits; <c>--check</c> also verifies every contract.
/// <c>stitch models push</c> uploads the set to a blob container, where the Azure hosts fetch it (azd's post-provision hook, or real converted weights).
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var models = CommonOptions.Models();
        var check = new Option<bool>("--check") { Description = "Verify every sha256 and run each model once against its contract." };
        var command = new Command("models", "List the model set and the edits it offers.") { models, check };
        command.SetAction(result => Run(result.GetValue(models), result.GetValue(check), Console.Out));
        command.Subcommands.Add(CreatePush());
        return command;
    }

    private static Command CreatePush()
    {
        var models = CommonOptions.Models();
        var storage = new Option<string?>("--storage")
        {
            Description = $"Where to upload: a connection string (UseDevelopmentStorage=true for Azurite), a blob endpoint URL (signed in with Azure.Identity: az/azd login or a managed identity), or a folder. Default: ${ServeCommand.StorageVariable}.",
        };
        var container = new Option<string>("--container") { Description = "The blob container.", DefaultValueFactory = _ => "models" };
        var prefix = new Option<string>("--prefix") { Description = "A folder inside the container (\"\" = its root).", DefaultValueFactory = _ => "" };
        var command = new Command("push", "Upload the model set (manifest.json and every file it names, sha256-checked) to a blob container.") { models, storage, container, prefix };
        command.SetAction((result, cancellationToken) => PushAsync(result.GetValue(models), result.GetValue(storage) ?? Environment.GetEnvironmentVariable(ServeCommand.StorageVariable),
            result.GetValue(container)!, result.GetValue(prefix)!, Console.Out, cancellationToken));
        return command;
    }

    internal static async Task<int> PushAsync(string? modelsPath, string? storage, string container, string prefix, TextWriter output, CancellationToken cancellationToken = default)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(storage))
            {
                throw new ArgumentException($"No storage given: pass --storage CONNECTION (or set {ServeCommand.StorageVariable}).");
            }
            BlobNameRules.ValidateContainer(container);
            string manifest = ModelManifestLocator.Locate(modelsPath);
            var store = BlobStoreFactory.Create(storage);
            var pushed = await new ModelSetPublisher(store).PublishAsync(manifest, container, prefix, cancellationToken).ConfigureAwait(false);
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "pushed {0} to {1} {2}/{3}: {4} file(s) uploaded, {5} unchanged, {6:F2} MB",
                manifest, store.Location, pushed.Container, pushed.ManifestBlob, pushed.Uploaded, pushed.Unchanged, pushed.Bytes / 1e6));
            return 0;
        }
        catch (Exception e) when (UserError.IsUserError(e) || e is BlobStoreException)
        {
            await Console.Error.WriteLineAsync($"stitch models push: {e.Message}").ConfigureAwait(false);
            return 2;
        }
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
