using System.CommandLine;
using ServerlessStitch.Cli;
using ServerlessStitch.Workflow.Local;

var root = new RootCommand("ServerlessStitch: temporally coherent face edits of real videos (Stitch it in Time).");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(EditCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
// The workflow's spans and metrics go to an OpenTelemetry collector when OTEL_EXPORTER_OTLP_ENDPOINT is set.
OtlpExport? telemetry;
try
{
    telemetry = OtlpExport.FromEnvironment();
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"stitch: {e.Message}");
    return 2;
}
using var flushOnExit = telemetry;
// Ctrl+C / SIGTERM end the process at once: every stage's output is committed whole, so `stitch edit` run again
// resumes where it stopped. (System.CommandLine's own termination handler can fault while a native step runs.)
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
