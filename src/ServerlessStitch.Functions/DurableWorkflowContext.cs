using System.Text.Json;
using Microsoft.DurableTask;
using ServerlessStitch.Workflow;
using ServerlessStitch.Workflow.Hosting;

// Orchestration code awaits without ConfigureAwait(false): its continuations must run on the orchestrator's thread.
#pragma warning disable CA2007

namespace ServerlessStitch.Functions;

/// <summary>
/// <see cref="IWorkflowContext"/> over Durable Task's <see cref="TaskOrchestrationContext"/>, member for member as
/// IWorkflowContext's doc table says. Payloads cross as <see cref="JsonElement"/> written by
/// <see cref="WorkflowLimits"/> (camelCase, 16 KB cap), so the activities see exactly the JSON the local host gives them.
/// </summary>
internal sealed class DurableWorkflowContext(TaskOrchestrationContext context) : IWorkflowContext
{
    public string InstanceId => context.InstanceId;

    public async Task<TResult> CallActivityAsync<TResult>(string name, object? input, ActivityRetry? retry = null)
    {
        var payload = ToElement(WorkflowLimits.Serialize(input, $"The input of activity '{name}'"));
        TaskOptions? options = DurableRetryArguments.For(retry) is { } r
            ? TaskOptions.FromRetryPolicy(new RetryPolicy(r.MaxNumberOfAttempts, r.FirstRetryInterval, r.BackoffCoefficient, r.MaxRetryInterval))
            : null;
        try
        {
            var result = await context.CallActivityAsync<JsonElement>(name, payload, options);
            return WorkflowLimits.Deserialize<TResult>(result.GetRawText());
        }
        catch (TaskFailedException e)
        {
            // Durable has spent every attempt of the policy by the time it throws.
            throw new ActivityFailedException(name, retry?.MaxAttempts ?? 1, e.FailureDetails.ErrorType, e.FailureDetails.ErrorMessage);
        }
    }

    public async Task<TResult> CallSubOrchestrationAsync<TResult>(string name, object? input, string instanceId)
    {
        var payload = ToElement(WorkflowLimits.Serialize(input, $"The input of sub-orchestration '{name}'"));
        try
        {
            var result = await context.CallSubOrchestratorAsync<JsonElement>(name, payload, new SubOrchestrationOptions { InstanceId = instanceId });
            return WorkflowLimits.Deserialize<TResult>(result.GetRawText());
        }
        catch (TaskFailedException e)
        {
            throw new SubOrchestrationFailedException(name, instanceId, $"{e.FailureDetails.ErrorType}: {e.FailureDetails.ErrorMessage}");
        }
    }

    public async Task<T> WaitForExternalEventAsync<T>(string name, TimeSpan timeout)
    {
        try
        {
            return await context.WaitForExternalEvent<T>(name, timeout);
        }
        catch (OperationCanceledException e)
        {
            // durabletask-dotnet cancels the event task when its durable timer wins (TaskCanceledException).
            throw new TimeoutException($"No '{name}' event arrived within {timeout}.", e);
        }
    }

    public void SetCustomStatus(object? status) =>
        context.SetCustomStatus(status is null ? null : ToElement(WorkflowLimits.Serialize(status, "The custom status")));

    internal static JsonElement ToElement(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
