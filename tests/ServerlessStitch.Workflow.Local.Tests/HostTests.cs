using System.Diagnostics;
using System.Text.Json;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Workflow.Local.Tests;

/// <summary>The host's behaviour, on whichever store a subclass supplies (the filesystem, Azurite).</summary>
public abstract class HostTests : IAsyncLifetime
{
    private readonly List<LocalWorkflowHost> _hosts = [];

    protected abstract IBlobStore Store { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    private LocalWorkflowHost Host(WorkflowRegistry registry, int parallelism = 2, Action<WorkflowCall>? calls = null)
    {
        var host = new LocalWorkflowHost(Store, registry, new LocalWorkflowHostOptions
        {
            Container = "wf-" + Guid.NewGuid().ToString("N")[..12], MaxParallelActivities = parallelism, PollInterval = TimeSpan.FromMilliseconds(50), CallObserver = calls,
        });
        _hosts.Add(host);
        return host;
    }

    /// <summary>A second host over the same container, as a restarted process would have.</summary>
    private LocalWorkflowHost Restarted(LocalWorkflowHost before, WorkflowRegistry registry)
    {
        var host = new LocalWorkflowHost(Store, registry, new LocalWorkflowHostOptions { Container = before.Options.Container, PollInterval = TimeSpan.FromMilliseconds(50) });
        _hosts.Add(host);
        return host;
    }

    private static WorkflowRegistry FanOutWorkflow(ConcurrencyMeter meter) => new WorkflowRegistry()
        .AddOrchestration(new LambdaOrchestration<int, int>("FanOut", async (context, count) =>
        {
            var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<int>("Square", new WorkInput(i))));
            return results.Sum();
        }))
        .AddActivity(new LambdaActivity<WorkInput, int>("Square", (input, ct) => meter.MeasureAsync(async () =>
        {
            await Task.Delay(150, ct);
            return input.Item * input.Item;
        })));

    [Fact]
    public async Task FanOut_EightActivities_RunAtMostParallelismAtOnce()
    {
        var meter = new ConcurrencyMeter();
        var host = Host(FanOutWorkflow(meter), parallelism: 2);

        await host.StartAsync("FanOut", "fan", 8);
        var status = await host.WaitForCompletionAsync("fan");

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(Enumerable.Range(0, 8).Sum(i => i * i), status.ReadOutput<int>());
        Assert.Equal(2, meter.Max);
        Assert.Equal(8, (await host.GetAttemptsAsync("fan")).Count);
    }

    [Fact]
    public async Task FlakyActivity_WithRetry_SucceedsAfterBackoff()
    {
        int calls = 0;
        var started = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var registry = new WorkflowRegistry()
            .AddOrchestration(new LambdaOrchestration<string, string>("Flaky", (context, _) =>
                context.CallActivityAsync<string>("Flaky", null, new ActivityRetry(4, TimeSpan.FromMilliseconds(100), 2.0))))
            .AddActivity(new LambdaActivity<string?, string>("Flaky", (_, _) =>
            {
                started.Add(clock.Elapsed);
                return ++calls < 3 ? throw new IOException($"flaky failure {calls}") : Task.FromResult("ok");
            }));
        var host = Host(registry);

        await host.StartAsync("Flaky", "flaky", "x");
        var status = await host.WaitForCompletionAsync("flaky");

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal("ok", status.ReadOutput<string>());
        Assert.Equal([1, 2, 3], (await host.GetAttemptsAsync("flaky")).Select(a => a.Attempt).Order());
        // Backoff: 100 ms after the first failure, 200 ms after the second.
        Assert.InRange((started[1] - started[0]).TotalMilliseconds, 95, 5000);
        Assert.InRange((started[2] - started[1]).TotalMilliseconds, 195, 5000);
    }

    [Fact]
    public async Task FailingActivity_RetriesExhausted_FailsWithReadableReason()
    {
        var registry = new WorkflowRegistry()
            .AddOrchestration(new LambdaOrchestration<string, string>("Doomed", (context, _) =>
                context.CallActivityAsync<string>("Doomed", null, new ActivityRetry(2, TimeSpan.FromMilliseconds(10)))))
            .AddActivity(new LambdaActivity<string?, string>("Doomed", (_, _) => throw new InvalidDataException("the input video is truncated")));
        var host = Host(registry);

        await host.StartAsync("Doomed", "doomed", "x");
        var status = await host.WaitForCompletionAsync("doomed");

        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Equal("Activity 'Doomed' failed after 2 attempt(s): System.IO.InvalidDataException: the input video is truncated", status.FailureReason);
        Assert.Equal(2, (await host.GetAttemptsAsync("doomed")).Count);
    }

    [Fact]
    public async Task Terminate_RunningInstance_StopsItAndSchedulesNothingMore()
    {
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool cancelled = false, secondRan = false;
        var registry = new WorkflowRegistry()
            .AddOrchestration(new LambdaOrchestration<string, string>("Long", async (context, _) =>
            {
                await context.CallActivityAsync<string>("Block", null);
                return await context.CallActivityAsync<string>("Second", null);
            }))
            .AddActivity(new LambdaActivity<string?, string>("Block", async (_, ct) =>
            {
                blocked.SetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    cancelled = true;
                    throw;
                }
                return "never";
            }))
            .AddActivity(new LambdaActivity<string?, string>("Second", (_, _) => { secondRan = true; return Task.FromResult("second"); }));
        var host = Host(registry);

        await host.StartAsync("Long", "long", "x");
        await blocked.Task;
        Assert.True(await host.TerminateAsync("long", "user asked"));
        var status = await host.WaitForCompletionAsync("long");

        Assert.Equal((WorkflowRuntimeStatus.Terminated, "user asked"), (status.RuntimeStatus, status.FailureReason));
        Assert.True(cancelled, "the running activity was not cancelled");
        Assert.False(secondRan);
        Assert.False(await host.TerminateAsync("long", "again"));
    }

    private static WorkflowRegistry EventWorkflow() => new WorkflowRegistry()
        .AddOrchestration(new LambdaOrchestration<int, string>("Wait", async (context, timeoutMs) =>
        {
            context.SetCustomStatus(new { stage = "waiting" });
            try
            {
                var payload = await context.WaitForExternalEventAsync<WorkInput>("Go", TimeSpan.FromMilliseconds(timeoutMs));
                return $"got {payload.Item}";
            }
            catch (TimeoutException)
            {
                return "timed out";
            }
        }));

    [Fact]
    public async Task ExternalEvent_Raised_OrchestrationReceivesPayload()
    {
        var host = Host(EventWorkflow());

        await host.StartAsync("Wait", "wait", 30_000);
        await Waiting.UntilAsync(async () => (await host.GetStatusAsync("wait"))?.CustomStatus is not null, "the custom status");
        var waiting = await host.GetStatusAsync("wait");
        await host.RaiseEventAsync("wait", "Go", new WorkInput(7));
        var status = await host.WaitForCompletionAsync("wait");

        Assert.Equal(WorkflowRuntimeStatus.Running, waiting!.RuntimeStatus);
        Assert.Equal("waiting", waiting.CustomStatus!.Value.GetProperty("stage").GetString());
        Assert.Equal("got 7", status.ReadOutput<string>());
    }

    [Fact]
    public async Task ExternalEvent_NotRaised_TimesOutAfterTheTimeout()
    {
        var host = Host(EventWorkflow());
        var clock = Stopwatch.StartNew();

        await host.StartAsync("Wait", "idle", 300);
        var status = await host.WaitForCompletionAsync("idle");

        Assert.Equal("timed out", status.ReadOutput<string>());
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 300, 20_000);
    }

    [Fact]
    public async Task ExternalEventWait_AfterRestart_KeepsTheFirstDeadline()
    {
        var host = Host(EventWorkflow());
        await host.StartAsync("Wait", "deadline", 2000);
        await Waiting.UntilAsync(async () => (await host.GetStatusAsync("deadline"))?.CustomStatus is not null, "the wait to start");
        await Task.Delay(1000);
        await host.DisposeAsync(); // stops the execution; the instance stays Running

        var clock = Stopwatch.StartNew();
        var again = Restarted(host, EventWorkflow());
        await again.ResumeUnfinishedAsync();
        var status = await again.WaitForCompletionAsync("deadline");

        Assert.Equal("timed out", status.ReadOutput<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(1800), $"the restarted wait took {clock.Elapsed}: a new deadline, not the recorded one");
    }

    [Fact]
    public async Task TwoInstances_RunTogether_KeepTheirOwnInputsHistoryAndOutcome()
    {
        var meter = new ConcurrencyMeter();
        var host = Host(FanOutWorkflow(meter)
            .AddOrchestration(new LambdaOrchestration<int, int>("Boom", async (context, n) => await context.CallActivityAsync<int>("Boom", new WorkInput(n))))
            .AddActivity(new LambdaActivity<WorkInput, int>("Boom", (_, _) => throw new InvalidOperationException("boom"))));

        await host.StartAsync("FanOut", "a", 3);
        await host.StartAsync("FanOut", "b", 4);
        await host.StartAsync("Boom", "c", 1);
        var a = await host.WaitForCompletionAsync("a");
        var b = await host.WaitForCompletionAsync("b");
        var c = await host.WaitForCompletionAsync("c");

        Assert.Equal((5, 14), (a.ReadOutput<int>(), b.ReadOutput<int>()));
        Assert.Equal(WorkflowRuntimeStatus.Failed, c.RuntimeStatus);
        Assert.Equal((3, 4), ((await host.GetAttemptsAsync("a")).Count, (await host.GetAttemptsAsync("b")).Count));
        Assert.True(await host.PurgeAsync("a"));
        Assert.Null(await host.GetStatusAsync("a"));
        Assert.Empty(await host.GetAttemptsAsync("a"));
        Assert.Equal(14, (await host.GetStatusAsync("b"))!.ReadOutput<int>());
    }

    [Fact]
    public async Task Start_ExistingInstance_IsANoOp()
    {
        var meter = new ConcurrencyMeter();
        var host = Host(FanOutWorkflow(meter));

        Assert.True(await host.StartAsync("FanOut", "once", 2));
        await host.WaitForCompletionAsync("once");
        Assert.False(await host.StartAsync("FanOut", "once", 5));

        Assert.Equal(1, (await host.GetStatusAsync("once"))!.ReadOutput<int>());
        Assert.Equal(2, (await host.GetAttemptsAsync("once")).Count);
    }

    [Fact]
    public async Task Restart_AfterStopMidRun_RunsOnlyTheMissingActivities()
    {
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int firstRuns = 0;
        WorkflowRegistry Registry(bool blockSecond) => new WorkflowRegistry()
            .AddOrchestration(new LambdaOrchestration<string, string>("Steps", async (context, _) =>
            {
                string one = await context.CallActivityAsync<string>("One", null);
                context.SetCustomStatus(new { stage = "two" });
                string two = await context.CallActivityAsync<string>("Two", null);
                return one + two;
            }))
            .AddActivity(new LambdaActivity<string?, string>("One", (_, _) => { Interlocked.Increment(ref firstRuns); return Task.FromResult("1"); }))
            .AddActivity(new LambdaActivity<string?, string>("Two", async (_, ct) =>
            {
                if (blockSecond)
                {
                    second.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                }
                return "2";
            }));
        var host = Host(Registry(blockSecond: true));
        await host.StartAsync("Steps", "steps", "x");
        await second.Task;
        await host.DisposeAsync();
        var stopped = await host.GetStatusAsync("steps");

        var again = Restarted(host, Registry(blockSecond: false));
        Assert.Equal(["steps"], await again.ResumeUnfinishedAsync());
        var status = await again.WaitForCompletionAsync("steps");

        Assert.Equal(WorkflowRuntimeStatus.Running, stopped!.RuntimeStatus);
        Assert.Equal("12", status.ReadOutput<string>());
        Assert.Equal(1, firstRuns);
        var attempts = await again.GetAttemptsAsync("steps");
        Assert.Equal((1, 2), (attempts.Count(a => a.Name == "One"), attempts.Count(a => a.Name == "Two")));
    }

    [Fact]
    public async Task Status_OfACompletedInstance_HasTheDurableFunctionsFields()
    {
        var host = Host(FanOutWorkflow(new ConcurrencyMeter()));
        await host.StartAsync("FanOut", "shape", 2);
        var status = await host.WaitForCompletionAsync("shape");

        var json = JsonSerializer.SerializeToElement(status, WorkflowLimits.Json);
        foreach (string field in new[] { "name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime", "lastUpdatedTime", "failureReason" })
        {
            Assert.True(json.TryGetProperty(field, out _), $"no '{field}' in {json}");
        }
        Assert.Equal(("FanOut", "shape", "Completed", 2), (json.GetProperty("name").GetString(), json.GetProperty("instanceId").GetString(),
            json.GetProperty("runtimeStatus").GetString(), json.GetProperty("input").GetInt32()));
        Assert.True(status.LastUpdatedTime >= status.CreatedTime);
    }

    [Fact]
    public async Task Replay_OfAFinishedFanOut_IssuesTheSameCallsFromHistory()
    {
        var live = new List<WorkflowCall>();
        var host = Host(FanOutWorkflow(new ConcurrencyMeter()), calls: live.Add);
        await host.StartAsync("FanOut", "replay", 5);
        var status = await host.WaitForCompletionAsync("replay");

        var registry = new WorkflowRegistry().AddOrchestration(FanOutWorkflow(new ConcurrencyMeter()).Orchestration("FanOut"));
        var (calls, output) = await Restarted(host, registry).ReplayAsync("replay");

        Assert.Equal(live.Select(c => c.Key), calls.Select(c => c.Key));
        Assert.All(calls, c => Assert.True(c.Replayed));
        Assert.Equal(status.Output!.Value.GetRawText(), output);
    }

    /// <summary>"Parent" runs <c>children</c> "Child" sub-orchestrations ({id}.c.N), each squaring three numbers in activities.</summary>
    private static WorkflowRegistry NestedWorkflow(Func<WorkInput, CancellationToken, Task<int>> square) => new WorkflowRegistry()
        .AddOrchestration(new LambdaOrchestration<int, int>("Parent", async (context, children) =>
        {
            var outputs = await Task.WhenAll(Enumerable.Range(0, children).Select(n =>
                context.CallSubOrchestrationAsync<int>("Child", new WorkInput(n), $"{context.InstanceId}.c.{n}")));
            return outputs.Sum();
        }))
        .AddOrchestration(new LambdaOrchestration<WorkInput, int>("Child", async (context, slice) =>
        {
            var results = await Task.WhenAll(Enumerable.Range(3 * slice.Item, 3).Select(i => context.CallActivityAsync<int>("Square", new WorkInput(i))));
            return results.Sum();
        }))
        .AddActivity(new LambdaActivity<WorkInput, int>("Square", square));

    [Fact]
    public async Task SubOrchestrations_Complete_ParentGetsTheirOutputsAndKeepsOnlyTheirCallsInItsHistory()
    {
        var live = new List<WorkflowCall>();
        var host = Host(NestedWorkflow((w, _) => Task.FromResult(w.Item * w.Item)), calls: c => { lock (live) { live.Add(c); } });

        await host.StartAsync("Parent", "nest", 2);
        var status = await host.WaitForCompletionAsync("nest");

        Assert.Equal((WorkflowRuntimeStatus.Completed, 55), (status.RuntimeStatus, status.ReadOutput<int>())); // 0² + … + 5²
        foreach (string child in new[] { "nest.c.0", "nest.c.1" })
        {
            var childStatus = (await host.GetStatusAsync(child))!;
            Assert.Equal((WorkflowRuntimeStatus.Completed, "Child", "nest"), (childStatus.RuntimeStatus, childStatus.Name, childStatus.ParentInstanceId));
            Assert.Equal(3, live.Count(c => c.InstanceId == child && c.Kind == "activity"));
        }
        Assert.Equal(["orchestration", "orchestration"], live.Where(c => c.InstanceId == "nest").Select(c => c.Kind));
        // The parent replays from its own history alone: no child runs again and no activity is needed.
        var replay = await Restarted(host, new WorkflowRegistry().AddOrchestration(NestedWorkflow((_, _) => throw new InvalidOperationException("ran")).Orchestration("Parent"))).ReplayAsync("nest");
        Assert.Equal("55", replay.Output);
        Assert.All(replay.Calls, c => Assert.True(c.Replayed));
    }

    [Fact]
    public async Task SubOrchestration_ChildFails_ParentSeesItsNameIdAndReason()
    {
        var registry = NestedWorkflow((w, _) => w.Item == 4 ? throw new InvalidOperationException("frame 4 is broken") : Task.FromResult(w.Item));
        registry.AddOrchestration(new LambdaOrchestration<int, string>("Catching", async (context, _) =>
        {
            try
            {
                return $"{await context.CallSubOrchestrationAsync<int>("Child", new WorkInput(1), "catch.c.1")}";
            }
            catch (SubOrchestrationFailedException e)
            {
                return $"{e.OrchestrationName}|{e.InstanceId}|{e.Message}";
            }
        }));
        var host = Host(registry);

        await host.StartAsync("Catching", "catch", 0);
        var status = await host.WaitForCompletionAsync("catch");
        await host.StartAsync("Parent", "uncaught", 2);
        var uncaught = await host.WaitForCompletionAsync("uncaught");

        string[] parts = status.ReadOutput<string>()!.Split('|');
        Assert.Equal(("Child", "catch.c.1"), (parts[0], parts[1]));
        Assert.Contains("Activity 'Square' failed after 1 attempt(s): System.InvalidOperationException: frame 4 is broken", parts[2], StringComparison.Ordinal);
        Assert.Equal(WorkflowRuntimeStatus.Failed, (await host.GetStatusAsync("catch.c.1"))!.RuntimeStatus);
        Assert.Equal(WorkflowRuntimeStatus.Failed, uncaught.RuntimeStatus);
        Assert.Contains("Sub-orchestration 'Child' ('uncaught.c.1') failed", uncaught.FailureReason, StringComparison.Ordinal);
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await host.GetStatusAsync("uncaught.c.0"))!.RuntimeStatus);
    }

    [Fact]
    public async Task Terminate_ParentWhileAChildRuns_TerminatesTheChildAndCancelsItsActivity()
    {
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool cancelled = false;
        var host = Host(NestedWorkflow(async (w, ct) =>
        {
            blocked.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                throw;
            }
            return w.Item;
        }));

        await host.StartAsync("Parent", "stop", 1);
        await blocked.Task;
        Assert.True(await host.TerminateAsync("stop", "user asked"));
        var child = await host.WaitForCompletionAsync("stop.c.0");

        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await host.GetStatusAsync("stop"))!.RuntimeStatus);
        Assert.Equal((WorkflowRuntimeStatus.Terminated, "Its parent 'stop' was terminated: user asked"), (child.RuntimeStatus, child.FailureReason));
        Assert.True(cancelled, "the child's running activity was not cancelled");
    }

    [Fact]
    public async Task Restart_AfterStopInsideAChild_ResumesBothAndRunsOnlyTheMissingActivities()
    {
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WorkflowRegistry Registry(bool blockFive) => NestedWorkflow(async (w, ct) =>
        {
            if (blockFive && w.Item == 5)
            {
                blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
            return w.Item * w.Item;
        });
        var host = Host(Registry(blockFive: true), parallelism: 6);
        await host.StartAsync("Parent", "resume", 2);
        await blocked.Task;
        await Waiting.UntilAsync(async () => (await host.GetAttemptsAsync("resume.c.0")).Count == 3, "the first child's three activities");
        await Waiting.UntilAsync(async () => (await host.GetStatusAsync("resume.c.0"))!.IsTerminal, "the first child to finish");
        await host.DisposeAsync();

        var again = Restarted(host, Registry(blockFive: false));
        var resumed = await again.ResumeUnfinishedAsync();
        var status = await again.WaitForCompletionAsync("resume");

        Assert.Contains("resume", resumed); // the unfinished child resumes with it (by the listing or by the parent's call, whichever comes first)
        Assert.Equal((WorkflowRuntimeStatus.Completed, 55), (status.RuntimeStatus, status.ReadOutput<int>()));
        Assert.Equal(3, (await again.GetAttemptsAsync("resume.c.0")).Count);
        var second = await again.GetAttemptsAsync("resume.c.1");
        Assert.Equal([1, 1, 2], second.GroupBy(a => a.Key).Select(g => g.Count()).Order()); // items 3 and 4 once, 5 stopped and run again
    }
}

public sealed class FileSystemHostTests : HostTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wf-host-").FullName;

    protected override IBlobStore Store => new FileSystemBlobStore(_folder);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
