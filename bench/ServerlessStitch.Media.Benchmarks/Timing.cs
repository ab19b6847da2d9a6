using System.Diagnostics;

namespace ServerlessStitch.Media.Benchmarks;

internal static class Timing
{
    /// <summary>Median wall time of <paramref name="runs"/> runs after one warm-up; the machine is shared, so the median resists outliers.</summary>
    public static async Task<TimeSpan> MedianAsync(int runs, Func<Task> action)
    {
        await action();
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed);
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    public static TimeSpan Median(int runs, Action action) => MedianAsync(runs, () =>
    {
        action();
        return Task.CompletedTask;
    }).GetAwaiter().GetResult();
}
