using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Pipeline.Metrics;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// <c>report.json</c>: what ran, how long each stage took, and the quality figures of issue 5 — inversion PSNR and
/// LPIPS (encoder only vs PTI), edit strength and identity, TL-ID and TG-ID (normalised by the input's own), and
/// the boundary error with stitching tuning vs the plain mask paste.
/// </summary>
public sealed record JobReport(
    string JobId,
    IReadOnlyList<AppliedEdit> Edits,
    VideoSummary Video,
    IReadOnlyDictionary<string, double> StageSeconds,
    PtiSummary Inversion,
    EditFigures Edit,
    TemporalIdentityScores TemporalIdentity,
    BoundaryFigures Boundary,
    IReadOnlyList<string> Outputs)
{
    public static JobReport Create(string jobId, EditRequest request, LatentEditor editor, VideoInfo video, PtiSummary pti,
        IReadOnlyList<StitchFigures> chunks, IReadOnlyDictionary<string, double> stageSeconds, IReadOnlyList<string> outputs)
    {
        var edits = editor.Edits.Select(e => new AppliedEdit(e.Name, e.Step, e.Source)).ToList();
        var attributes = chunks.SelectMany(c => c.AttributeChange.Keys).Distinct(StringComparer.Ordinal)
            .ToDictionary(a => a, a => chunks.Average(c => c.AttributeChange.GetValueOrDefault(a)), StringComparer.Ordinal);
        double[] cosines = [.. chunks.SelectMany(c => c.IdentityCosine)];
        var edit = new EditFigures(attributes, cosines.Average(), cosines.Min());

        double tuned = chunks.SelectMany(c => c.BoundaryErrorTuned).Average();
        double plain = chunks.SelectMany(c => c.BoundaryErrorPlain).Average();
        double floor = chunks.SelectMany(c => c.BoundaryErrorFloor).Average();
        var boundary = new BoundaryFigures(request.TuneStitching, tuned, plain, plain > 0 ? 1 - (tuned / plain) : 0,
            floor, plain > floor ? (plain - tuned) / (plain - floor) : 0);

        return new JobReport(jobId, edits, VideoSummary.Of(video), stageSeconds, pti, edit, Temporal(chunks), boundary, outputs);
    }

    private static TemporalIdentityScores Temporal(IReadOnlyList<StitchFigures> chunks)
    {
        float[][] input = [.. chunks.SelectMany(c => c.InputIdentity)];
        float[][] output = [.. chunks.SelectMany(c => c.OutputIdentity)];
        if (input.Length < 2)
        {
            return new TemporalIdentityScores(1, 1);
        }
        using var scope = NewDisposeScope();
        return Metrics.TemporalIdentity.Score(Matrix(output), Matrix(input));
    }

    private static Tensor Matrix(float[][] rows) =>
        tensor([.. rows.SelectMany(r => r)], [rows.Length, rows[0].Length]);
}

public sealed record AppliedEdit(string Name, double Step, string Source);

public sealed record VideoSummary(int Frames, int Width, int Height, string FrameRate, double FramesPerSecond, bool Audio)
{
    public static VideoSummary Of(VideoInfo video) =>
        new(video.FrameCount, video.Width, video.Height, video.FrameRate.ToString(), video.FrameRate.Numerator / (double)video.FrameRate.Denominator, video.HasAudio);
}

/// <summary>
/// Edit strength on the output: per attribute the mean score change input → output crops, in units of the
/// attribute's range (+0.5 = half its range); identity cosine of output vs input crops, mean and worst frame.
/// </summary>
public sealed record EditFigures(IReadOnlyDictionary<string, double> AttributeChange, double IdentityCosineMean, double IdentityCosineMin);

/// <summary>
/// Mean boundary error in levels (L1 over the boundary ring, full-frame) with tuning and with the plain paste;
/// Reduction = 1 − tuned / plain. Floor: the input's own aligned crop pasted alike, the error the crop resolution
/// leaves even for a perfect generator; FloorGapRemoved = (plain − tuned) / (plain − floor), the share of the error
/// above that floor that tuning removed.
/// </summary>
public sealed record BoundaryFigures(bool StitchingTuned, double Tuned, double Plain, double Reduction, double Floor, double FloorGapRemoved);
