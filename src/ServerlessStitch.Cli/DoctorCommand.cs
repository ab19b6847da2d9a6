using System.CommandLine;
using ServerlessStitch.Torch;

namespace ServerlessStitch.Cli;

/// <summary>
/// <c>stitch doctor</c>: proves the machine can run the method: libtorch through our binding (a small Adam fit)
/// and the model set (checksums and contracts). What <c>make demo</c> runs until the pipeline lands.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var models = CommonOptions.Models();
        var command = new Command("doctor", "Check libtorch, the binding and the model set on this machine.") { models };
        command.SetAction(result => Run(result.GetValue(models), Console.Out));
        return command;
    }

    private static int Run(string? modelsPath, TextWriter output)
    {
        output.WriteLine("== libtorch binding ==");
        var smoke = TorchSmoke.Run(output);
        bool fitted = Math.Abs(smoke.Slope - 3) < 0.05 && Math.Abs(smoke.Intercept + 2) < 0.05;
        output.WriteLine(fitted ? "binding: ok" : "binding: FAILED (the fit did not converge)");

        output.WriteLine();
        output.WriteLine("== model set ==");
        ModelsCommand.Run(modelsPath, check: true, output);
        return fitted ? 0 : 1;
    }
}
