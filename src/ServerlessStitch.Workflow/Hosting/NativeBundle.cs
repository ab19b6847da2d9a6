using System.Diagnostics;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>A bundled tool cannot run on this host (lost file modes, a glibc older than the bundle's); the message names the tool.</summary>
public sealed class NativeBundleException(string message) : Exception(message);

/// <summary>
/// The native tools a published Functions app carries (scripts/bundle_native.sh): <c>native/bin</c> holds ffmpeg and
/// ffprobe with their libraries beside them. Putting that folder first on PATH makes every ffmpeg run of the media
/// code take the bundled one (the media code starts tools by name). Without the folder (a local <c>func start</c>
/// on a machine with the apt packages) nothing changes. The libtorch shim finds its libraries through its own RUNPATH.
/// </summary>
public static class NativeBundle
{
    public const string ToolsFolder = "native/bin";

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Checks that every tool in <c>APP/native/bin</c> runs (<c>-version</c>), then puts the folder first on PATH;
    /// returns it, or null when the app has none (or runs on Windows, where no bundle is made). A tool that cannot run
    /// stops the app at start with its reason, instead of every decode failing later.
    /// </summary>
    public static string? UseIfPresent(string appDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(appDirectory);
        string tools = Path.GetFullPath(Path.Combine(appDirectory, ToolsFolder));
        if (OperatingSystem.IsWindows() || !Directory.Exists(tools))
        {
            return null;
        }
        foreach (string tool in Directory.EnumerateFiles(tools))
        {
            if ((File.GetUnixFileMode(tool) & AnyExecute) == 0)
            {
                throw new NativeBundleException($"{tool} is not executable: the deployment package lost its file modes (zip it on Linux, e.g. with azd or func).");
            }
            CheckRuns(tool);
        }
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        string[] entries = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (entries.FirstOrDefault() != tools)
        {
            Environment.SetEnvironmentVariable("PATH", string.Join(Path.PathSeparator, [tools, .. entries.Where(e => e != tools)]));
        }
        return tools;
    }

    private static void CheckRuns(string tool)
    {
        var start = new ProcessStartInfo(tool, "-version") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new NativeBundleException($"{tool} did not start.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(VersionTimeout))
        {
            process.Kill();
            throw new NativeBundleException($"{tool} -version did not end within {VersionTimeout.TotalSeconds:0} s.");
        }
        _ = stdout.Result;
        if (process.ExitCode != 0)
        {
            throw new NativeBundleException($"{tool} cannot run on this host (exit {process.ExitCode}): {stderr.Trim()}");
        }
    }
}
