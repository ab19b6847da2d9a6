namespace ServerlessStitch.Workflow;

/// <summary>
/// How a failed activity is retried: attempt n (from 1) waits FirstInterval · BackoffCoefficient^(n−1), capped by
/// MaxInterval, before attempt n + 1. The fields are Durable Task's <c>RetryPolicy</c> constructor arguments.
/// </summary>
public sealed record ActivityRetry
{
    public ActivityRetry(int maxAttempts, TimeSpan firstInterval, double backoffCoefficient = 2.0, TimeSpan? maxInterval = null)
    {
        MaxAttempts = Check.Positive(maxAttempts);
        FirstInterval = firstInterval >= TimeSpan.Zero ? firstInterval : throw new ArgumentOutOfRangeException(nameof(firstInterval), firstInterval, "Must not be negative.");
        BackoffCoefficient = backoffCoefficient >= 1 && double.IsFinite(backoffCoefficient)
            ? backoffCoefficient : throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), backoffCoefficient, "Must be at least 1.");
        MaxInterval = maxInterval ?? TimeSpan.FromHours(1);
    }

    /// <summary>One attempt, no retry.</summary>
    public static ActivityRetry None { get; } = new(1, TimeSpan.Zero);

    public int MaxAttempts { get; }
    public TimeSpan FirstInterval { get; }
    public double BackoffCoefficient { get; }
    public TimeSpan MaxInterval { get; }

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        double ticks = FirstInterval.Ticks * Math.Pow(BackoffCoefficient, attempt - 1);
        return ticks >= MaxInterval.Ticks ? MaxInterval : TimeSpan.FromTicks((long)ticks);
    }
}
