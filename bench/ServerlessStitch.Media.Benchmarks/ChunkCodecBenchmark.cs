using System.Globalization;
using System.Text;

namespace ServerlessStitch.Media.Benchmarks;

/// <summary>
/// Speed and size of each way to store a chunk of decoded frames: the chunk codec's compressions
/// and per-frame PNG (Up filter + zlib, as <see cref="PngWriter"/> writes it). MB/s counts
/// uncompressed RGB bytes.
/// </summary>
internal sealed class ChunkCodecBenchmark(int runs)
{
    public async Task ReportAsync(StringBuilder report, string label, IReadOnlyList<Frame> frames)
    {
        var raw = frames.Sum(f => (long)f.Pixels.Length);
        report.AppendLine(CultureInfo.InvariantCulture, $"{label}: {frames.Count} frames of {frames[0].Width}x{frames[0].Height} RGB, {raw / 1e6:0.0} MB raw.");
        report.AppendLine();
        report.AppendLine("| format | write MB/s | read MB/s | size / raw |");
        report.AppendLine("|---|---:|---:|---:|");
        foreach (var compression in Enum.GetValues<FrameChunkCompression>())
        {
            var codec = new FrameChunkCodec(compression);
            byte[] written = [];
            var write = await Timing.MedianAsync(runs, async () =>
            {
                using var stream = new MemoryStream();
                await codec.WriteAsync(stream, frames);
                written = stream.ToArray();
            });
            var read = await Timing.MedianAsync(runs, () => FrameChunkCodec.ReadAsync(new MemoryStream(written), label));
            report.AppendLine(CultureInfo.InvariantCulture, $"| chunk {compression} | {raw / 1e6 / write.TotalSeconds:0} | {raw / 1e6 / read.TotalSeconds:0} | {(double)written.Length / raw:0.000} |");
        }

        long pngBytes = 0;
        var png = Timing.Median(runs, () =>
        {
            pngBytes = 0;
            foreach (var frame in frames)
            {
                using var stream = new MemoryStream();
                PngWriter.Write(stream, frame);
                pngBytes += stream.Length;
            }
        });
        report.AppendLine(CultureInfo.InvariantCulture, $"| PNG per frame (Up filter, zlib fastest) | {raw / 1e6 / png.TotalSeconds:0} | not measured (no PNG reader) | {(double)pngBytes / raw:0.000} |");
        report.AppendLine();
    }
}
