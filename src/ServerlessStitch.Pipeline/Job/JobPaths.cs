using System.Globalization;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// The blob names of one job (DESIGN.md §6), all under <c>{jobId}/</c> in the jobs container. Chunked
/// stages write one blob per chunk, numbered by the chunk's first frame so names sort in frame order.
/// </summary>
public sealed record JobPaths(string JobId)
{
    /// <summary>The container every job lives in (the Azure layout's <c>stitch-jobs</c>).</summary>
    public const string Container = "stitch-jobs";

    public string Prefix => JobId + "/";
    public string Request => Prefix + "job.json";
    public string Input => Prefix + "input.video";
    public string Video => Prefix + "video.json";
    public string Alignment => Prefix + "alignment.json";
    public string PtiGenerator => Prefix + "pti/generator.pt";
    public string PtiSummary => Prefix + "pti/summary.json";
    public string PtiCheckpointGenerator => Prefix + "pti/checkpoint/generator.pt";
    public string PtiCheckpointOptimizer => Prefix + "pti/checkpoint/optimizer.pt";
    /// <summary>Written after the checkpoint's two blobs: its presence, with matching hashes, marks a whole checkpoint.</summary>
    public string PtiCheckpointState => Prefix + "pti/checkpoint/state.json";
    public string Output => Prefix + "output.mp4";
    public string Compare => Prefix + "compare.mp4";
    public string Preview => Prefix + "preview.png";
    public string Report => Prefix + "report.json";

    public string Frames(int firstFrame) => Chunk("frames", firstFrame, "chunk");
    public string Landmarks(int firstFrame) => Chunk("landmarks", firstFrame, "json");
    public string Aligned(int firstFrame) => Chunk("aligned", firstFrame, "chunk");
    public string Pivots(int firstFrame) => Chunk("latents", firstFrame, "npy");
    public string Stitched(int firstFrame) => Chunk("stitched", firstFrame, "chunk");
    public string StitchFigures(int firstFrame) => Chunk("stitched", firstFrame, "json");

    /// <summary>One frame's stage strip for <c>preview.png</c>: aligned crop, inversion, PTI, edit, stitched.</summary>
    public string PreviewStrip(int frame) => Chunk("preview", frame, "chunk");

    private string Chunk(string folder, int firstFrame, string extension) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{folder}/{firstFrame:D6}.{extension}");
}
