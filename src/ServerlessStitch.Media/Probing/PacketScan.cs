using System.Globalization;

namespace ServerlessStitch.Media;

/// <summary>
/// Lists every packet of the first video stream (demux only, no decoding). The count is the true
/// frame count even when the container has no index (Matroska, WebM) or lies about it, and the
/// timestamps tell constant from variable frame rate.
/// </summary>
internal sealed class PacketScan
{
    private readonly List<long> timestamps;

    private PacketScan(List<long> timestamps, int count, string stderrTail)
    {
        this.timestamps = timestamps;
        Count = count;
        StderrTail = stderrTail;
    }

    public int Count { get; }

    public string StderrTail { get; }

    public static async Task<PacketScan> RunAsync(MediaTools tools, string path, CancellationToken cancellationToken)
    {
        string[] arguments = ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", "--", path];
        const string purpose = "count the video packets";
        await using var process = ToolProcess.Start(tools.FfprobePath, arguments, path, purpose, pipeStdin: false, pipeStdout: true, cancellationToken);
        var timestamps = new List<long>();
        var count = 0;
        using (var reader = new StreamReader(process.StandardOutput))
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                var comma = line.IndexOf(',', StringComparison.Ordinal);
                var flags = comma < 0 ? string.Empty : line[(comma + 1)..];
                // Packets flagged D are dropped by the demuxer's edit list; they never become frames.
                if (flags.Contains('D', StringComparison.Ordinal))
                {
                    continue;
                }

                count++;
                if (long.TryParse(comma < 0 ? line : line[..comma], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pts))
                {
                    timestamps.Add(pts);
                }
            }
        }

        await process.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
        var tail = process.StderrTail;
        if (tail.Contains("partial file", StringComparison.OrdinalIgnoreCase))
        {
            throw new TruncatedVideoException(path, "the file ends in the middle of the video data", purpose, tail);
        }

        return new PacketScan(timestamps, count, tail);
    }

    /// <summary>
    /// True when some frame interval is off the nominal one by more than a quarter frame. The
    /// tolerance absorbs millisecond-rounded container timestamps (29.97 fps in Matroska alternates
    /// 33 and 34 ms) but catches dropped or repeated frames.
    /// </summary>
    public bool IsVariableRate(Rational timeBase, Rational nominalRate)
    {
        if (timestamps.Count < 3)
        {
            return false;
        }

        var ordered = timestamps.Order().ToArray();
        // Nominal interval in time-base ticks: (1 / rate) / timeBase.
        var nominal = (double)nominalRate.Denominator * timeBase.Denominator / ((double)nominalRate.Numerator * timeBase.Numerator);
        for (var i = 1; i < ordered.Length; i++)
        {
            if (Math.Abs(ordered[i] - ordered[i - 1] - nominal) > nominal / 4)
            {
                return true;
            }
        }

        return false;
    }
}
