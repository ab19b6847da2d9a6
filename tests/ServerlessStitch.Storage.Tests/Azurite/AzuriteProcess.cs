using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ServerlessStitch.Storage.Testing;

/// <summary>
/// A real Azurite (blob, queue and table) started from the project-local install in tools/azurite on 127.0.0.1,
/// on free ports chosen now, with its data in a folder of our choosing; stopped by killing its process.
/// Shared by the storage tests and the storage benchmark.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Queue<string> _outputTail = new();
    private Process? _process;

    private AzuriteProcess(string location, int blobPort, int queuePort, int tablePort)
    {
        Location = location;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public string Location { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

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
        var azurite = new AzuriteProcess(location, FreePort(), FreePort(), FreePort());
        await azurite.RestartAsync(cancellationToken);
        return azurite;
    }

    /// <summary>Starts (again) on the same ports and folder, so the data written before a stop is there. Cancelling stops waiting.</summary>
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

            if (await AcceptsConnectionsAsync(BlobPort, cancellationToken) && await AcceptsConnectionsAsync(QueuePort, cancellationToken))
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        await StopAsync();
        throw new TimeoutException($"Azurite did not listen on 127.0.0.1:{BlobPort} within {StartTimeout.TotalSeconds} s:\n{OutputTail()}");
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputTail)
        {
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
