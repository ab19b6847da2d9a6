using System.Globalization;
using System.Text;
using ServerlessStitch.Storage;
using ServerlessStitch.Storage.Benchmarks;
using ServerlessStitch.Storage.Testing;

// Usage: dotnet run -c Release --project bench/ServerlessStitch.Storage.Benchmarks -- bench/results
// Writes bench/results/storage.md: blob write/read MB/s of the filesystem store and of the Azure store against a
// local Azurite (started here as the tests start it), for 1 MiB and 64 MiB blobs.
string resultsFolder = args.Length > 0 ? args[0] : "bench/results";
Directory.CreateDirectory(resultsFolder);
(int Size, int Runs)[] sizes = [(1024 * 1024, 15), (64 * 1024 * 1024, 3)];
const string Container = "bench";

var report = new StringBuilder();
report.AppendLine("# Storage benchmarks");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Written by `dotnet run -c Release --project bench/ServerlessStitch.Storage.Benchmarks -- {resultsFolder}` on {Environment.ProcessorCount} cores (shared with other work, so absolute figures vary). Median MB/s (10^6 bytes per second) of 15 runs (1 MiB) or 3 runs (64 MiB) after a warm-up; random content; reads stream to a counting sink. Filesystem writes include the fsync before the commit rename; Azurite runs on the same machine (loopback HTTP, Shared Key), so it measures our client plus the emulator, not Azure.");
report.AppendLine();
if (File.Exists("/proc/loadavg"))
{
    // On a shared machine the load explains most of the spread between runs; record it beside the figures.
    report.AppendLine(CultureInfo.InvariantCulture, $"Load average (1, 5, 15 min) when the run started: {string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ')[..3])}.");
    report.AppendLine();
}

report.AppendLine("| store | blob size | write MB/s | read MB/s |");
report.AppendLine("| --- | --- | ---: | ---: |");

DirectoryInfo fsRoot = Directory.CreateTempSubdirectory("storage-bench-");
try
{
    var filesystem = new FileSystemBlobStore(fsRoot.FullName);
    await filesystem.CreateContainerIfNotExistsAsync(Container);
    foreach ((int size, int runs) in sizes)
    {
        Report("filesystem", size, await new ThroughputBenchmark(filesystem, Container).MeasureAsync(size, runs));
    }

    await using AzuriteProcess azurite = await AzuriteProcess.StartAsync();
    // 1 MiB is one Put Blob whatever the parallelism, so only 64 MiB (8 blocks) is measured both ways.
    foreach ((string label, int parallel, (int Size, int Runs)[] measured) in new[]
    {
        ("Azurite, 8 MiB blocks, 4 in parallel", 4, sizes),
        ("Azurite, 8 MiB blocks, 1 at a time", 1, sizes[1..]),
    })
    {
        using var store = new AzureBlobStore(azurite.BlobEndpoint, new SharedKeyAuthorizer(StorageSharedKeyCredential.DevelopmentStorage), new AzureBlobStoreOptions { MaxParallelBlockUploads = parallel });
        await store.CreateContainerIfNotExistsAsync(Container);
        foreach ((int size, int runs) in measured)
        {
            Report(label, size, await new ThroughputBenchmark(store, Container).MeasureAsync(size, runs));
        }
    }
}
finally
{
    fsRoot.Delete(recursive: true);
}

string path = Path.Combine(resultsFolder, "storage.md");
await File.WriteAllTextAsync(path, report.ToString());
Console.WriteLine(report);
Console.WriteLine($"Wrote {path}");
return 0;

void Report(string store, int size, (double Write, double Read) result)
{
    string row = ThroughputBenchmark.Row(store, size, result);
    report.AppendLine(row);
    Console.WriteLine(row);
}
