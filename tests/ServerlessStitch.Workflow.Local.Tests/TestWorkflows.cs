using System.Diagnostics;

namespace ServerlessStitch.Workflow.Local.Tests;

/// <summary>An activity whose body is a lambda, so each test states what its activity does.</summary>
internal sealed class LambdaActivity<TInput, TOutput>(string name, Func<TInput, CancellationToken, Task<TOutput>> body) : WorkflowActivity<TInput, TOutput>
{
    public override string Name => name;
    public override string Stage => "test";

    protected override Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken) => body(input, cancellationToken);
}

/// <summary>An orchestration whose body is a lambda.</summary>
internal sealed class LambdaOrchestration<TInput, TOutput>(string name, Func<IWorkflowContext, TInput, Task<TOutput>> body) : WorkflowOrchestration<TInput, TOutput>
{
    public override string Name => name;

    protected override Task<TOutput> RunAsync(IWorkflowContext context, TInput input) => body(context, input);
}

public sealed record WorkInput(int Item, string Tag = "");

/// <summary>Counts how many activity bodies run at once.</summary>
internal sealed class ConcurrencyMeter
{
    private int _now;
    private int _max;

    public int Max => Volatile.Read(ref _max);

    public async Task<T> MeasureAsync<T>(Func<Task<T>> body)
    {
        int now = Interlocked.Increment(ref _now);
        int max;
        while (now > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, max) != max)
        {
        }
        try
        {
            return await body();
        }
        finally
        {
            Interlocked.Decrement(ref _now);
        }
    }
}

internal static class Waiting
{
    /// <summary>Polls <paramref name="condition"/> until true or 30 s pass.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
