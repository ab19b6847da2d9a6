using System.Diagnostics;

namespace ServerlessStitch.Models.Tests;

/// <summary>Paths into the checkout the tests run from, and Debian's python3 for cross-checks against NumPy.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string DemoManifest => Path.Combine(Root, "models", "manifest.json");

    /// <summary>Runs a Python snippet with Debian's python3 (which has numpy) and fails the test on a non-zero exit.</summary>
    /// <summary>Runs a python3 snippet and returns what it printed.</summary>
    public static string RunPython(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"python3 failed: {stderr}");
        return stdout.Result;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerlessStitch.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("ServerlessStitch.sln not found above " + AppContext.BaseDirectory);
    }
}
