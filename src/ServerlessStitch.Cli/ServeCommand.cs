using System.CommandLine;
using Microsoft.Extensions.Logging;
using ServerlessStitch.Serve;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Cli;

/// <summary>
/// <c>stitch serve [--port 7071] [--data DIR] [--storage CONNECTION]</c>: the edit API (Durable Functions' HTTP shape)
/// and the blob-drop trigger on 127.0.0.1 until Ctrl+C. The key comes from $STITCH_API_KEY; with none, it refuses to
/// start unless given --insecure-no-auth. $STITCH_STORAGE and $STITCH_DROP_EDITS stand in for --storage and --drop-edit.
/// </summary>
internal static class ServeCommand
{
    public const string ApiKeyVariable = "STITCH_API_KEY";
    public const string StorageVariable = "STITCH_STORAGE";
    public const string DropEditsVariable = "STITCH_DROP_EDITS";
    public const string PtiDispatchVariable = "STITCH_PTI_DISPATCH";

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "The loopback port (0 = a free one).", DefaultValueFactory = _ => 7071 };
        var data = new Option<DirectoryInfo>("--data") { Description = "The filesystem blob store (when no --storage).", DefaultValueFactory = _ => new DirectoryInfo(".stitch") };
        var storage = new Option<string?>("--storage") { Description = $"A storage connection string (UseDevelopmentStorage=true for Azurite). Default: ${StorageVariable}, else the filesystem store." };
        var insecure = new Option<bool>("--insecure-no-auth") { Description = $"Serve without an API key (only when ${ApiKeyVariable} is not set)." };
        var maxRequest = new Option<long>("--max-request-mb") { Description = "The largest request body accepted, in MiB.", DefaultValueFactory = _ => 512 };
        var dropEdits = new Option<string[]>("--drop-edit") { Description = $"The edits of a dropped blob without 'edits' metadata (default: ${DropEditsVariable}, else smile)." };
        var noDrop = new Option<bool>("--no-blob-drop") { Description = "Do not watch videos-in." };
        var chunk = new Option<int>("--chunk-size") { Description = "Frames per chunk, when a request gives none.", DefaultValueFactory = _ => 16 };
        var ptiPasses = new Option<int?>("--pti-passes") { Description = "PTI passes, when a request gives none (default 80)." };
        var stitchIterations = new Option<int?>("--stitching-iterations") { Description = "Stitching-tuning iterations, when a request gives none (default 100)." };
        var ptiDispatch = new Option<PtiDispatch?>("--pti-dispatch")
        {
            Description = $"Where PTI runs: activity (in this process) or queue (a stitch-gpu-worker on the same store). Default: ${PtiDispatchVariable}, else activity.",
        };
        var ptiTimeout = new Option<double>("--pti-timeout-minutes") { Description = "With --pti-dispatch queue: how long a job waits for its worker.", DefaultValueFactory = _ => 120 };
        var stitchBatch = new Option<int>("--stitch-batch") { Description = "Send stitching tuning to the GPU worker too, this many chunks per work item (0 = in this process).", DefaultValueFactory = _ => 0 };
        var models = CommonOptions.Models();
        var command = new Command("serve", "Serve the edit API (Durable Functions' HTTP shape) and the blob-drop trigger on 127.0.0.1.")
        {
            port, data, storage, insecure, maxRequest, dropEdits, noDrop, chunk, ptiPasses, stitchIterations, ptiDispatch, ptiTimeout, stitchBatch, models,
        };
        command.SetAction((result, cancellationToken) =>
        {
            string? dispatchVariable = Environment.GetEnvironmentVariable(PtiDispatchVariable);
            PtiDispatch fromVariable = PtiDispatch.Activity;
            if (result.GetValue(ptiDispatch) is null && !string.IsNullOrWhiteSpace(dispatchVariable)
                && !(Enum.TryParse(dispatchVariable, ignoreCase: true, out fromVariable) && Enum.IsDefined(fromVariable) && !char.IsDigit(dispatchVariable.Trim()[0])))
            {
                Console.Error.WriteLine($"stitch serve: {PtiDispatchVariable}='{dispatchVariable}' is not a PTI dispatch: use 'activity' or 'queue'.");
                return Task.FromResult(2);
            }
            string? drop = Environment.GetEnvironmentVariable(DropEditsVariable);
            var options = new ServeOptions
            {
                Port = result.GetValue(port),
                DataPath = result.GetValue(data)!.FullName,
                StorageConnectionString = result.GetValue(storage) ?? Environment.GetEnvironmentVariable(StorageVariable),
                ApiKey = Environment.GetEnvironmentVariable(ApiKeyVariable),
                AllowAnonymous = result.GetValue(insecure),
                MaxRequestBytes = result.GetValue(maxRequest) * 1024 * 1024,
                ModelsPath = result.GetValue(models),
                Pti = result.GetValue(ptiDispatch) ?? fromVariable,
                PtiTimeout = TimeSpan.FromMinutes(result.GetValue(ptiTimeout)),
                StitchBatchChunks = result.GetValue(stitchBatch),
                Defaults = new EditDefaults
                {
                    ChunkSize = result.GetValue(chunk),
                    PtiPasses = result.GetValue(ptiPasses),
                    StitchingIterations = result.GetValue(stitchIterations),
                },
            };
            options.Drop.Enabled = !result.GetValue(noDrop);
            if (result.GetValue(dropEdits) is { Length: > 0 } edits)
            {
                options.Drop.Edits = edits;
            }
            else if (!string.IsNullOrWhiteSpace(drop))
            {
                options.Drop.Edits = drop.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
            return RunAsync(options, cancellationToken);
        });
        return command;
    }

    internal static async Task<int> RunAsync(ServeOptions options, CancellationToken cancellationToken)
    {
        StitchServer server;
        try
        {
            server = await StitchServer.StartAsync(options, logging => logging.AddSimpleConsole(c => c.SingleLine = true), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ServeConfigurationException or IOException || UserError.IsUserError(e))
        {
            await Console.Error.WriteLineAsync($"stitch serve: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        await using (server.ConfigureAwait(false))
        {
            Console.WriteLine($"stitch serve: listening on {server.Address} (store {server.Store.Location}); Ctrl+C stops.");
            // The host's console lifetime turns Ctrl+C and SIGTERM into a shutdown; running jobs resume at the next start.
            await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        return 0;
    }
}
