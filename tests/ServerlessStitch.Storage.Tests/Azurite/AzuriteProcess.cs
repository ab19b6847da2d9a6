using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerlessStitch.Storage.Testing;

/// <summary>
/// A real Azurite (blob, queue and table) started from the project-local install in tools/azurite on 127.0.0.1,
/// with its data in a folder of our choosing; stopped as Ctrl+C stops it. Shared by the tests and benchmarks.
/// </summary>
/// <remarks>
/// The first start passes port 0 and reads the ports Azurite reports once each service is listening. Picking free
/// ports beforehand raced with the other test processes: a port could be taken between our probe and Azurite's
/// bind, Azurite then exited on EADDRINUSE, and a connect check on the blob port could still succeed against the
/// other listener (CI saw every Serve test fail with "connection refused" that way).
/// </remarks>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // Azurite prints this once a service's server is bound, with the address it got.
    private static readonly Regex ListeningLine = new(
        @"^Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^\s]+:(?<port>\d+)$",
        RegexOptions.CultureInvariant);

    private readonly Queue<string> _outputTail = new();
    private readonly Dictionary<string, int> _listeningPorts = new(StringComparer.Ordinal);
    private Process? _process;

    private AzuriteProcess(string location)
    {
        Location = location;
    }

    public string Location { get; }

    /// <summary>The blob service's port: chosen by the system on the first start, kept by restarts.</summary>
    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/devstoreaccount1");

    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/devstoreaccount1");

    /// <summary>The development account's connection string with this instance's endpoints.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};";

    /// <summary>The Azurite launcher that scripts/setup.sh installs, relative to the repository root.</summary>
    public static string ExecutablePath => Path.Combine(RepositoryRoot(), "tools", "azurite", "node_modules", ".bin", "azurite");

    /// <summary>Starts Azurite in a new temporary folder. Cancelling stops waiting for it.</summary>
    public static Task<AzuriteProcess> StartAsync(CancellationToken cancellationToken = default)
        => StartAsync(Directory.CreateTempSubdirectory("azurite-").FullName, cancellationToken);

    /// <summary>Starts Azurite with its data in <paramref name="location"/>. Cancelling stops waiting for it.</summary>
    public static async Task<AzuriteProcess> StartAsync(string location, CancellationToken cancellationToken = default)
    {
        var azurite = new AzuriteProcess(location);
        await azurite.RestartAsync(cancellationToken);
        return azurite;
    }

    /// <summary>
    /// Starts (again) on the same ports and folder, so the data written before a stop is there; the first start lets
    /// the system choose the ports. Cancelling stops waiting.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("Azurite is already running; stop it first.");
        }

        string executable = ExecutablePath;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {executable}. Run scripts/setup.sh (or 'make setup') from the repository root; it installs the pinned version with npm into tools/azurite.");
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", $"{BlobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{QueuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{TablePort}",
            "--location", Location, "--disableTelemetry", "--skipApiVersionCheck", "--silent",
        })
        {
            start.ArgumentList.Add(argument);
        }

        lock (_outputTail)
        {
            _listeningPorts.Clear();
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilListeningAsync(process, cancellationToken);
    }

    /// <summary>
    /// Stops Azurite as its Ctrl+C does (SIGTERM: it closes its listeners and saves its database, so what was
    /// committed survives a restart), killing it if it has not exited within a few seconds.
    /// </summary>
    public async Task StopAsync()
    {
        Process? process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        using (process)
        {
            if (!process.HasExited)
            {
                using (Process? kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await kill!.WaitForExitAsync();
                }

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Location, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }

    private async Task WaitUntilListeningAsync(Process process, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} while starting:\n{OutputTail()}");
            }

            lock (_outputTail)
            {
                if (_listeningPorts.Count == 3)
                {
                    BlobPort = _listeningPorts["Blob"];
                    QueuePort = _listeningPorts["Queue"];
                    TablePort = _listeningPorts["Table"];
                    return;
                }
            }

            await Task.Delay(50, cancellationToken);
        }

        await StopAsync();
        throw new TimeoutException($"Azurite did not report all three services listening within {StartTimeout.TotalSeconds} s:\n{OutputTail()}");
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputTail)
        {
            Match listening = ListeningLine.Match(line);
            if (listening.Success)
            {
                _listeningPorts[listening.Groups["service"].Value] = int.Parse(listening.Groups["port"].Value, CultureInfo.InvariantCulture);
            }

            _outputTail.Enqueue(line);
            while (_outputTail.Count > 40)
            {
                _outputTail.Dequeue();
            }
        }
    }

    private string OutputTail()
    {
        lock (_outputTail)
        {
            return string.Join('\n', _outputTail);
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ServerlessStitch.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No ServerlessStitch.sln above {AppContext.BaseDirectory}; run from inside the repository.");
    }
}
