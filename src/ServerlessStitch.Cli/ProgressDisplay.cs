using System.Diagnostics;
using System.Globalization;
using ServerlessStitch.Pipeline.Job;

namespace ServerlessStitch.Cli;

/// <summary>
/// The live per-stage progress line of <c>stitch edit</c>: chunks done, loss and ETA, redrawn in place on a
/// terminal; on a redirected output (logs, CI) one line per tenth of a stage and one when it completes.
/// </summary>
internal sealed class ProgressDisplay(TextWriter output, bool interactive) : IProgress<StageProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, TimeSpan> _started = [];
    private TimeSpan _lastCompleted;
    private readonly Dictionary<string, int> _printedTenths = [];
    private readonly Lock _gate = new();
    private int _lastWidth;

    public void Report(StageProgress value)
    {
        lock (_gate)
        {
            // A stage's clock starts when the previous one finished: its first report comes after its first unit.
            if (!_started.TryGetValue(value.Stage, out var started))
            {
                _started[value.Stage] = started = _lastCompleted;
            }
            if (value.IsComplete)
            {
                _lastCompleted = _clock.Elapsed;
            }
            string line = Format(value, _clock.Elapsed - started);
            if (interactive)
            {
                output.Write("\r" + line.PadRight(_lastWidth));
                _lastWidth = line.Length;
                if (value.IsComplete)
                {
                    output.WriteLine();
                    _lastWidth = 0;
                }
                return;
            }
            int tenths = value.Total == 0 ? 10 : value.Done * 10 / value.Total;
            if (value.IsComplete || tenths > _printedTenths.GetValueOrDefault(value.Stage, -1))
            {
                _printedTenths[value.Stage] = tenths;
                output.WriteLine(line);
            }
        }
    }

    internal static string Format(StageProgress value, TimeSpan elapsed)
    {
        var culture = CultureInfo.InvariantCulture;
        string text = string.Format(culture, "{0,-10} {1,5}/{2,-5}", value.Stage, value.Done, value.Total);
        if (value.Loss is double loss)
        {
            text += string.Format(culture, "  loss {0:F4}", loss);
        }
        if (value.IsComplete)
        {
            return text + string.Format(culture, "  done in {0:F1} s", elapsed.TotalSeconds) + Suffix(value);
        }
        // Units are chunks, seen by polling: a rate over less than a second says nothing.
        if (value.Done > 0 && elapsed.TotalSeconds >= 1)
        {
            text += string.Format(culture, "  ETA {0:F0} s", (value.Total - value.Done) * elapsed.TotalSeconds / value.Done);
        }
        return text + Suffix(value);
    }

    private static string Suffix(StageProgress value) => value.Detail is null ? "" : "  " + value.Detail;
}
