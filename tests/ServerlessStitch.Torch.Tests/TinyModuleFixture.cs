using System.Diagnostics;
using System.Text.Json;

namespace ServerlessStitch.Torch.Tests;

/// <summary>Exports the tiny TorchScript module with Debian's PyTorch (/usr/bin/python3) once per test class.</summary>
public sealed class TinyModuleFixture : IDisposable
{
    private const string Python = "/usr/bin/python3";

    public TinyModuleFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "sst-torch-tests-" + Guid.NewGuid().ToString("N"));
        var script = Path.Combine(AppContext.BaseDirectory, "Fixtures", "export_tiny_module.py");
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Directory);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Python} {script} failed (is python3-torch installed?): {errors.Result}");
        }

        ModulePath = Path.Combine(Directory, "tiny.pt");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "tiny.json")));
        var root = json.RootElement;
        X = Floats(root, "x");
        Forward = Floats(root, "forward");
        Z = Floats(root, "z");
        Mapping = Floats(root, "mapping");
        ParameterNames = [.. root.GetProperty("parameters").EnumerateArray().Select(e => e.GetString()!)];
        BufferNames = [.. root.GetProperty("buffers").EnumerateArray().Select(e => e.GetString()!)];
    }

    public string Directory { get; }

    public string ModulePath { get; }

    /// <summary>Input [2, 4] and PyTorch's forward output [2, 3] for it.</summary>
    public float[] X { get; }

    public float[] Forward { get; }

    /// <summary>Input [2, 3] and PyTorch's mapping output [2, 3] for it.</summary>
    public float[] Z { get; }

    public float[] Mapping { get; }

    public string[] ParameterNames { get; }

    public string[] BufferNames { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static float[] Floats(JsonElement root, string name) =>
        [.. root.GetProperty(name).EnumerateArray().Select(e => e.GetSingle())];
}
