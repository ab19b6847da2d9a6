namespace ServerlessStitch.Storage;

/// <summary>Exponential backoff with jitter for transient storage failures (408, 429, 5xx, dropped connections).</summary>
public sealed class StorageRetryOptions
{
    /// <summary>Tries per request, the first included.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the second try; it doubles on each further try.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before try <paramref name="nextAttempt"/>: doubling, capped, times a random factor in [0.5, 1.5) so clients do not retry in lockstep.</summary>
    public TimeSpan DelayBefore(int nextAttempt, TimeSpan? retryAfter = null)
    {
        double doubled = InitialDelay.TotalMilliseconds * Math.Pow(2, nextAttempt - 2);
        double jittered = Math.Min(doubled, MaxDelay.TotalMilliseconds) * (0.5 + Random.Shared.NextDouble());
        TimeSpan delay = TimeSpan.FromMilliseconds(jittered);
        return retryAfter is { } asked && asked > delay ? (asked < MaxDelay ? asked : MaxDelay) : delay;
    }
}
