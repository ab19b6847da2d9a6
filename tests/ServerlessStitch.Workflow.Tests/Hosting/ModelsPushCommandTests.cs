using System.Diagnostics;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Workflow.Tests.Hosting;

/// <summary><c>stitch models push</c> as the real process, then fetched back with <see cref="ModelSetCache"/>.</summary>
public sealed class ModelsPushCommandTests : IDisposable
{
    private readonly TinyModelSet _set = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("models-push-").FullName;

    [Fact]
    public async Task Push_ToAFolderStore_CacheGetsTheSameBytes()
    {
        string store = Path.Combine(_scratch, "store");

        var (code, stdout, stderr) = await StitchAsync("models", "push", "--storage", store, "--container", "models", "--models", _set.Folder);
        string manifest = await new ModelSetCache(BlobStoreFactory.Create(store), "models", Path.Combine(_scratch, "cache")).EnsureAsync();

        Assert.True(code == 0, stderr);
        Assert.Contains($"{_set.Files.Count} file(s) uploaded", stdout, StringComparison.Ordinal);
        foreach (string file in _set.Files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_set.Folder, file)), File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(manifest)!, file)));
        }
    }

    [Fact]
    public async Task Push_NoStorage_ExitsWith2SayingWhatToPass()
    {
        var (code, _, stderr) = await StitchAsync("models", "push", "--models", _set.Folder);

        Assert.Equal(2, code);
        Assert.StartsWith("stitch models push: No storage given: pass --storage", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> StitchAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Repository.Cli);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("STITCH_STORAGE");
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        _set.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }
}
