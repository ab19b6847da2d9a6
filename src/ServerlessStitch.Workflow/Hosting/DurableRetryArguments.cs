namespace ServerlessStitch.Workflow.Hosting;

/// <summary>
/// The arguments of Durable Task's <c>new RetryPolicy(maxNumberOfAttempts, firstRetryInterval, backoffCoefficient,
/// maxRetryInterval)</c> for an <see cref="ActivityRetry"/>. That constructor refuses a first interval of zero and a
/// maximum below the first interval (microsoft/durabletask-dotnet, src/Abstractions/RetryPolicy.cs), which
/// <see cref="ActivityRetry"/> allows, so both are raised to what it accepts here rather than failing in the orchestrator.
/// </summary>
public sealed record DurableRetryArguments(int MaxNumberOfAttempts, TimeSpan FirstRetryInterval, double BackoffCoefficient, TimeSpan MaxRetryInterval)
{
    /// <summary>The shortest first interval passed on: Durable waits with a durable timer, which has no use for less.</summary>
    public static TimeSpan MinimumInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The policy's arguments; null when there is nothing to retry (no policy, or one attempt), i.e. call without TaskOptions.</summary>
    public static DurableRetryArguments? For(ActivityRetry? retry)
    {
        if (retry is null || retry.MaxAttempts <= 1)
        {
            return null;
        }
        var first = retry.FirstInterval < MinimumInterval ? MinimumInterval : retry.FirstInterval;
        var max = retry.MaxInterval < first ? first : retry.MaxInterval;
        return new DurableRetryArguments(retry.MaxAttempts, first, retry.BackoffCoefficient, max);
    }
}
