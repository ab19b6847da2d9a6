using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Tests.Hosting;

/// <summary>
/// scripts/bundle_native.sh on a copy of the built shim: everything ffmpeg, ffprobe and the shim load resolves inside
/// the bundle except the host's glibc and C++ runtime, so a host without the apt packages can run them.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class NativeBundleTests : IDisposable
{
    private const string Shim = "libServerlessStitchTorchNative.so";
    private readonly string _app = Directory.CreateTempSubdirectory("native-bundle-").FullName;

    public void Dispose() => Directory.Delete(_app, recursive: true);

    [Fact]
    public void Bundle_EveryLibraryOfTheToolsAndTheShimResolvesInsideIt()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, Shim), Path.Combine(_app, Shim));

        (int code, string output) = Run("bash", Path.Combine(Repository.Root, "scripts", "bundle_native.sh"), _app);

        Assert.True(code == 0, output);
        string lib = Path.Combine(_app, "native", "lib");
        Assert.False(Directory.Exists(Path.Combine(_app, "native.partial")));
        string[] binaries = [Path.Combine(_app, "native", "bin", "ffmpeg"), Path.Combine(_app, "native", "bin", "ffprobe"), Path.Combine(_app, Shim)];
        var resolved = Resolve([.. binaries, .. Directory.GetFiles(lib)]);
        Assert.All(resolved, d => Assert.True(Path.GetFullPath(d.Path).StartsWith(lib + "/", StringComparison.Ordinal) || IsHostLibrary(d.Name),
            $"{d.Name} of {d.Of} resolves to {d.Path}, outside the bundle"));
        Assert.Contains(resolved, d => d.Of.EndsWith(Shim, StringComparison.Ordinal) && d.Name.StartsWith("libtorch_cpu.so", StringComparison.Ordinal));
        Assert.Contains(resolved, d => d.Of.EndsWith("ffmpeg", StringComparison.Ordinal) && d.Name.StartsWith("libavcodec.so", StringComparison.Ordinal));

        (int probe, string version) = Run(binaries[1], "-version");
        Assert.True(probe == 0, version);
        Assert.StartsWith("ffprobe version", version, StringComparison.Ordinal);
        string? path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Assert.Equal(Path.Combine(_app, "native", "bin"), NativeBundle.UseIfPresent(_app));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Fact]
    public void Bundle_AppWithoutTheShim_FailsNamingItAndWritesNothing()
    {
        (int code, string output) = Run("bash", Path.Combine(Repository.Root, "scripts", "bundle_native.sh"), _app);

        Assert.Equal(2, code);
        Assert.Contains(Shim + " not found", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_app));
    }

    [Fact]
    public void UseIfPresent_PutsTheToolsFirstOnPathOnce_AndLeavesPathAloneWithoutThem()
    {
        string? before = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Assert.Null(NativeBundle.UseIfPresent(_app));
            Assert.Equal(before, Environment.GetEnvironmentVariable("PATH"));

            string tools = Directory.CreateDirectory(Path.Combine(_app, "native", "bin")).FullName;
            Tool(tools, "stand-in", "exit 0");   // not named ffmpeg: tests running in parallel start ffmpeg from PATH
            Assert.Equal(tools, NativeBundle.UseIfPresent(_app));
            Assert.Equal(tools, NativeBundle.UseIfPresent(_app));

            string[] entries = Environment.GetEnvironmentVariable("PATH")!.Split(':');
            Assert.Equal(tools, entries[0]);
            Assert.Single(entries, e => e == tools);
            Assert.Equal((before ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries), entries.Skip(1));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", before);
        }
    }

    [Fact]
    public void UseIfPresent_ToolWithoutExecuteBit_ThrowsNamingItAndLeavesPathAlone()
    {
        string? before = Environment.GetEnvironmentVariable("PATH");
        string tools = Directory.CreateDirectory(Path.Combine(_app, "native", "bin")).FullName;
        File.WriteAllText(Path.Combine(tools, "ffmpeg"), "");
        File.SetUnixFileMode(Path.Combine(tools, "ffmpeg"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<NativeBundleException>(() => NativeBundle.UseIfPresent(_app));

        Assert.Contains(Path.Combine(tools, "ffmpeg") + " is not executable", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Environment.GetEnvironmentVariable("PATH"));
    }

    [Fact]
    public void UseIfPresent_ToolThatCannotRun_ThrowsWithItsReasonAndLeavesPathAlone()
    {
        string? before = Environment.GetEnvironmentVariable("PATH");
        string tools = Directory.CreateDirectory(Path.Combine(_app, "native", "bin")).FullName;
        Tool(tools, "ffprobe", "echo \"ffprobe: version 'GLIBC_2.99' not found\" >&2; exit 1");

        var error = Assert.Throws<NativeBundleException>(() => NativeBundle.UseIfPresent(_app));

        Assert.Contains(Path.Combine(tools, "ffprobe") + " cannot run on this host (exit 1): ffprobe: version 'GLIBC_2.99' not found", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Environment.GetEnvironmentVariable("PATH"));
    }

    /// <summary>A stand-in tool: a shell script running <paramref name="body"/>.</summary>
    private static void Tool(string folder, string name, string body)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool IsHostLibrary(string name) => HostLibrary().IsMatch(name);

    [GeneratedRegex(@"^(libc|libm|libdl|libpthread|librt|libresolv|libutil|libstdc\+\+|libgcc_s)\.so\.|^ld-linux")]
    private static partial Regex HostLibrary();

    /// <summary>ldd's answer for each file: which library it loads and the path the loader picked, without LD_LIBRARY_PATH.</summary>
    private static List<(string Of, string Name, string Path)> Resolve(string[] files)
    {
        (int code, string output) = Run("ldd", files);
        Assert.True(code == 0, output);
        Assert.DoesNotContain("not found", output, StringComparison.Ordinal);
        var found = new List<(string, string, string)>();
        string of = files[0];
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!char.IsWhiteSpace(line[0]))
            {
                of = line.TrimEnd(':');
                continue;
            }
            string[] parts = line.Trim().Split(' ');
            if (parts.Length >= 3 && parts[1] == "=>" && parts[2].StartsWith('/'))
            {
                found.Add((of, parts[0], parts[2]));
            }
        }
        return found;
    }

    private static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("LD_LIBRARY_PATH");
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
