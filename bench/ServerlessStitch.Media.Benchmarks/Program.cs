using System.Globalization;
using System.Text;
using ServerlessStitch.Media;
using ServerlessStitch.Media.Benchmarks;

// Usage: dotnet run -c Release --project bench/ServerlessStitch.Media.Benchmarks -- bench/results
// Writes bench/results/media.md. Clips are generated into a temporary folder and removed.
var resultsFolder = args.Length > 0 ? args[0] : "bench/results";
const int Runs = 3;
Directory.CreateDirectory(resultsFolder);
var work = Directory.CreateTempSubdirectory("media-bench-").FullName;
try
{
    var report = new StringBuilder();
    report.AppendLine("# Media benchmarks");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Written by `dotnet run -c Release --project bench/ServerlessStitch.Media.Benchmarks -- {resultsFolder}` on {Environment.ProcessorCount} cores (shared with other work, so absolute figures vary; ratios are steadier). Medians of {Runs} runs after a warm-up.");
    report.AppendLine();

    var clip = Path.Combine(work, "720p.mp4");
    PlainFfmpeg.Make720p(clip, frames: 150);
    Console.WriteLine("decode + encode, 720p ...");
    report.AppendLine("## Decode + encode, 720p");
    report.AppendLine();
    await new TranscodeBenchmark(work, clip, Runs).ReportAsync(report);
    report.AppendLine();

    Console.WriteLine("frame chunk codec ...");
    report.AppendLine("## Frame chunk codec");
    report.AppendLine();
    var chunks = new ChunkCodecBenchmark(Runs);
    var info = await new VideoProbe().ProbeAsync(clip);
    await chunks.ReportAsync(report, "720p noisy test pattern", await DecodeAsync(info, new FrameRange(60, 76)));
    foreach (var sample in Directory.Exists("samples") ? Directory.GetFiles("samples", "*.mp4").Order().ToArray() : [])
    {
        var sampleInfo = await new VideoProbe().ProbeAsync(sample);
        await chunks.ReportAsync(report, $"{sample} (rendered face)", await DecodeAsync(sampleInfo, new FrameRange(0, Math.Min(32, sampleInfo.FrameCount))));
    }

    var path = Path.Combine(resultsFolder, "media.md");
    await File.WriteAllTextAsync(path, report.ToString());
    Console.Write(report);
    Console.WriteLine($"wrote {path}");
}
finally
{
    Directory.Delete(work, recursive: true);
}

static async Task<List<Frame>> DecodeAsync(VideoInfo info, FrameRange range)
{
    var frames = new List<Frame>();
    await foreach (var frame in new VideoDecoder().DecodeAsync(info, range))
    {
        frames.Add(frame);
    }

    return frames;
}
