using System.Globalization;

namespace ServerlessStitch.Media;

/// <summary>
/// Counts the frames a variable-rate video yields once resampled to a constant rate. The count
/// depends on how the fps filter places frames on the new grid, so it is measured by running
/// exactly the filter the decoder uses rather than estimated from the duration.
/// </summary>
internal static class NormalisedFrameCounter
{
    public static async Task<int> CountAsync(MediaTools tools, string path, Rational rate, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "-nostdin", "-v", "error", "-i", path, "-map", "0:v:0",
            "-vf", DecodeFilters.Normalise(rate), "-fps_mode", "passthrough",
            "-f", "null", "-progress", "pipe:1", "-",
        ];
        var progress = await ToolRun.ReadStdoutAsync(tools.FfmpegPath, arguments, path, $"count frames at a constant {rate} fps", cancellationToken).ConfigureAwait(false);
        var frames = progress.Split('\n')
            .Where(line => line.StartsWith("frame=", StringComparison.Ordinal))
            .Select(line => int.Parse(line.AsSpan(6).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture))
            .LastOrDefault();
        return frames;
    }
}
