using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ServerlessStitch.Storage.Benchmarks;

/// <summary>Write and read throughput of one store for one blob size: median MB/s over several runs after a warm-up.</summary>
internal sealed class ThroughputBenchmark(IBlobStore store, string container)
{
    public async Task<(double WriteMBps, double ReadMBps)> MeasureAsync(int size, int runs)
    {
        byte[] content = new byte[size];
        new Random(size).NextBytes(content);
        string name = $"bench/{size}.bin";
        await WriteOnceAsync(content, name); // warm-up: connections, JIT, file cache
        await ReadOnceAsync(name);

        var writes = new List<double>();
        var reads = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            writes.Add(await WriteOnceAsync(content, name));
            reads.Add(await ReadOnceAsync(name));
        }

        await store.DeleteIfExistsAsync(container, name);
        return (Median(writes), Median(reads));
    }

    private async Task<double> WriteOnceAsync(byte[] content, string name)
    {
        var watch = Stopwatch.StartNew();
        BlobProperties written = await store.WriteAsync(container, name, new MemoryStream(content, writable: false));
        watch.Stop();
        return written.Length != content.Length
            ? throw new InvalidOperationException($"Wrote {written.Length} bytes of {content.Length}.")
            : content.Length / 1e6 / watch.Elapsed.TotalSeconds;
    }

    private async Task<double> ReadOnceAsync(string name)
    {
        var watch = Stopwatch.StartNew();
        BlobDownload download = await store.OpenReadAsync(container, name);
        long length;
        await using (download)
        {
            var counter = new CountingStream();
            await download.Content.CopyToAsync(counter, 1 << 20);
            length = counter.Count;
        }

        watch.Stop();
        return length / 1e6 / watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    public static string Row(string store, int size, (double Write, double Read) result)
        => string.Create(CultureInfo.InvariantCulture, $"| {store} | {size / (1024 * 1024)} MiB | {result.Write:F0} | {result.Read:F0} |");

    /// <summary>Counts what is read, so the read measures the store, not a copy into memory.</summary>
    private sealed class CountingStream : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position
        {
            get => Count;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
