using System.Globalization;
using ServerlessStitch.Pipeline.Job;

namespace ServerlessStitch.Cli;

/// <summary>The one-screen summary <c>stitch edit</c> ends with: outputs, per-stage times, and the quality figures.</summary>
internal static class ReportSummary
{
    public static void Write(TextWriter console, JobReport report, string outputPath, string jobFolder)
    {
        var c = CultureInfo.InvariantCulture;
        var v = report.Video;
        console.WriteLine();
        console.WriteLine(string.Format(c, "video      {0} frames {1}x{2} at {3} fps{4}", v.Frames, v.Width, v.Height, v.FrameRate, v.Audio ? ", with audio" : ""));
        console.WriteLine("edits      " + string.Join(", ", report.Edits.Select(e => string.Format(c, "{0} {1:+0.###;-0.###}", e.Name, e.Step))));
        console.WriteLine("stages     " + string.Join("  ", report.StageSeconds.Select(s => string.Format(c, "{0} {1:F1}s", s.Key, s.Value)))
            + string.Format(c, "  (activity seconds, {0:F1}s in all; chunks running side by side each count)", report.StageSeconds.Values.Sum()));
        var pti = report.Inversion;
        console.WriteLine(string.Format(c, "inversion  PSNR {0:F2} dB encoder only, {1:F2} dB after PTI ({2:+0.00;-0.00} dB); LPIPS {3:F4} → {4:F4}",
            pti.PsnrEncoder, pti.PsnrTuned, pti.PsnrGain, pti.LpipsEncoder, pti.LpipsTuned));
        if (pti.Tuned)
        {
            console.WriteLine(string.Format(c, "PTI        {0} passes, {1} steps, {2:F1} frame-steps/s", pti.Passes, pti.Steps, pti.FrameStepsPerSecond));
        }
        foreach (var (attribute, change) in report.Edit.AttributeChange)
        {
            console.WriteLine(string.Format(c, "edit       {0} score {1:+0.000;-0.000} of its range (input → output)", attribute, change));
        }
        console.WriteLine(string.Format(c, "identity   cosine output vs input {0:F3} (worst frame {1:F3}); TL-ID {2:F3}, TG-ID {3:F3}",
            report.Edit.IdentityCosineMean, report.Edit.IdentityCosineMin, report.TemporalIdentity.Local, report.TemporalIdentity.Global));
        var b = report.Boundary;
        console.WriteLine(b.StitchingTuned
            ? string.Format(c, "boundary   {0:F2} levels with stitching tuning vs {1:F2} plain paste ({2:P0} lower); crop-resolution floor {3:F2} ({4:P0} of the error above it removed)",
                b.Tuned, b.Plain, b.Reduction, b.Floor, b.FloorGapRemoved)
            : string.Format(c, "boundary   {0:F2} levels (plain paste; stitching tuning off)", b.Plain));
        console.WriteLine();
        console.WriteLine($"output     {outputPath}");
        console.WriteLine($"job        {jobFolder}/ (compare.mp4, preview.png, report.json)");
    }
}
