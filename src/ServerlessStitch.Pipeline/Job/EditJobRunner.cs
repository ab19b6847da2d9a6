using System.Diagnostics;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// Runs one edit job in this process, stage after stage, chunk after chunk, over the job's blobs: the same stage
/// calls the durable workflow fans out. Each stage skips work whose output blob exists, so running a job again
/// after a crash resumes it, and running a finished job returns its report.
/// </summary>
public sealed class EditJobRunner(IBlobStore store, ModelCatalog catalog, MediaLimits? limits = null)
{
    /// <summary>
    /// Checks the request (unknown edits are refused here, listing the known ones) and the input video before
    /// anything is written, stores the input video and <c>job.json</c>, and returns the job id (the same for the same video and request).
    /// </summary>
    public async Task<string> SubmitAsync(string inputPath, EditRequest request, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        request.Validate();
        LatentEditor.EnsureKnown(catalog.Manifest, EditSpec.ParseAll(request.Edits));
        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"The input video {inputPath} does not exist.", inputPath);
        }
        // Not a video, truncated or over the limits: refused here, naming the user's file, before anything is stored.
        await new VideoProbe(limits ?? MediaLimits.Default).ProbeAsync(inputPath, cancellationToken).ConfigureAwait(false);
        string id = JobId.For(await JobId.Sha256OfFileAsync(inputPath, cancellationToken).ConfigureAwait(false), request, catalog.Manifest);
        var blobs = new JobBlobs(store, new JobPaths(id));
        await store.CreateContainerIfNotExistsAsync(JobPaths.Container, cancellationToken).ConfigureAwait(false);
        if (!await blobs.ExistsAsync(blobs.Paths.Request, cancellationToken).ConfigureAwait(false))
        {
            await blobs.WriteFileAsync(blobs.Paths.Input, inputPath, "application/octet-stream", cancellationToken).ConfigureAwait(false);
            // job.json last: a job without it was never submitted.
            await blobs.WriteJsonAsync(blobs.Paths.Request, request, cancellationToken).ConfigureAwait(false);
        }
        return id;
    }

    public async Task<JobReport> RunAsync(string jobId, IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var blobs = new JobBlobs(store, new JobPaths(jobId));
        var request = await blobs.ReadJsonAsync<EditRequest>(blobs.Paths.Request, cancellationToken).ConfigureAwait(false);
        var editor = LatentEditor.Load(catalog, EditSpec.ParseAll(request.Edits));
        using var workspace = new JobWorkspace(jobId);
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        var clock = new Stopwatch();

        void Done(string stage)
        {
            seconds[stage] = Math.Round(clock.Elapsed.TotalSeconds, 2);
            clock.Restart();
        }

        clock.Start();
        var source = new SourceStage(blobs, workspace, limits ?? MediaLimits.Default);
        var video = await source.ProbeAsync(cancellationToken).ConfigureAwait(false);
        var chunks = FrameRange.Split(video.FrameCount, request.ChunkSize);
        var previewFrames = PreviewFrameChoice.For(request, video.FrameCount);
        Done("probe");

        await ForEachChunk("decode", chunks, video.FrameCount, progress, r => source.DecodeChunkAsync(video, r, cancellationToken)).ConfigureAwait(false);
        Done("decode");

        var options = AlignmentOptions.For(catalog.Manifest) with { CentreSigma = request.CentreSigma, AxesSigma = request.AxesSigma };
        var align = new AlignStage(blobs, catalog, options);
        await ForEachChunk("landmarks", chunks, video.FrameCount, progress, r => align.DetectChunkAsync(r, cancellationToken)).ConfigureAwait(false);
        var track = await align.BuildTrackAsync(chunks, cancellationToken).ConfigureAwait(false);
        await ForEachChunk("align", chunks, video.FrameCount, progress, r => align.AlignChunkAsync(r, track, cancellationToken)).ConfigureAwait(false);
        Done("align");

        var inversion = new InversionStage(blobs, catalog, request);
        await ForEachChunk("invert", chunks, video.FrameCount, progress, r => inversion.InvertChunkAsync(r, progress, cancellationToken)).ConfigureAwait(false);
        Done("invert");

        var pti = new PtiStage(blobs, catalog, request);
        var summary = await pti.TuneAsync(chunks, progress, cancellationToken).ConfigureAwait(false);
        progress?.Report(new StageProgress("pti", 1, 1, summary.FinalLoss, $"PSNR {summary.PsnrEncoder:F2} → {summary.PsnrTuned:F2} dB"));
        Done("pti");

        using (var generator = await pti.LoadGeneratorAsync(cancellationToken).ConfigureAwait(false))
        {
            var stitch = new StitchStage(blobs, catalog, request, editor);
            await ForEachChunk("stitch", chunks, video.FrameCount, progress,
                r => stitch.StitchChunkAsync(r, track, generator, previewFrames, video.FrameCount, progress, cancellationToken)).ConfigureAwait(false);
        }
        Done("stitch");

        var finish = new FinishStage(blobs, workspace, request, editor);
        var report = await finish.FinishAsync(video, chunks, summary, previewFrames, () => WithFinish(seconds, clock), cancellationToken).ConfigureAwait(false);
        progress?.Report(new StageProgress("encode", 1, 1));
        return report;
    }

    /// <summary>The timings so far plus the finishing stage's own, measured up to the report (which it writes).</summary>
    private static Dictionary<string, double> WithFinish(Dictionary<string, double> seconds, Stopwatch clock) =>
        new Dictionary<string, double>(seconds, StringComparer.Ordinal) { ["encode"] = Math.Round(clock.Elapsed.TotalSeconds, 2) };

    private static async Task ForEachChunk(string stage, IReadOnlyList<FrameRange> chunks, int frames, IProgress<StageProgress>? progress, Func<FrameRange, Task> work)
    {
        foreach (var range in chunks)
        {
            await work(range).ConfigureAwait(false);
            progress?.Report(new StageProgress(stage, range.End, frames));
        }
    }
}
