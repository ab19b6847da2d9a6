using System.CommandLine;
using ServerlessStitch.Cli;

var root = new RootCommand("ServerlessStitch: temporally coherent face edits of real videos (Stitch it in Time).");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(EditCommand.Create());
return await root.Parse(args).InvokeAsync();
