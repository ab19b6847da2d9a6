using System.Text.Json;
using ServerlessStitch.Storage.Queues;

namespace ServerlessStitch.Workflow.Edit;

/// <summary>
/// The storage queues between the orchestration and the GPU worker (DESIGN.md §8). Work items are
/// <see cref="PtiWorkItem"/> JSON; completions are <see cref="PtiCompletion"/> JSON; items that failed on every
/// attempt, or could not be read, are copied to the poison queue. The Container Apps job scales on <see cref="Work"/>.
/// </summary>
public static class PtiQueues
{
    public const string Work = "stitch-pti";
    public const string Completed = "stitch-pti-done";
    public const string Poison = "stitch-pti-poison";
}

/// <summary>
/// What the GPU worker reports on <see cref="PtiQueues.Completed"/>, and the payload of
/// <see cref="EditOrchestration.PtiCompletedEvent"/>: either the PTI result or the reason it failed for good.
/// </summary>
public sealed record PtiCompletion(string InstanceId, string JobId, PtiOutput? Result, string? Error)
{
    public static PtiCompletion Succeeded(PtiWorkItem item, PtiOutput result) => new(Check.NotNull(item).InstanceId, item.JobId, Check.NotNull(result), null);

    public static PtiCompletion Failed(PtiWorkItem item, string error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new(Check.NotNull(item).InstanceId, item.JobId, null, error);
    }

    /// <summary>Reads a completion message; anything that is not one is refused with <see cref="PtiMessageException"/>.</summary>
    public static PtiCompletion Parse(string json)
    {
        var completion = PtiMessages.Parse<PtiCompletion>(json, "PTI completion");
        if (string.IsNullOrWhiteSpace(completion.InstanceId) || string.IsNullOrWhiteSpace(completion.JobId) || (completion.Result is null) == (completion.Error is null))
        {
            throw new PtiMessageException($"A PTI completion needs instanceId, jobId and exactly one of result or error: {PtiMessages.Excerpt(json)}");
        }
        return completion;
    }

    public string ToJson() => WorkflowLimits.Serialize(this, "A PTI completion");
}

/// <summary>What the worker reports for one <see cref="StitchWorkItem"/> (JSON <c>"kind": "stitch"</c>): the seconds it took, or why it failed for good.</summary>
public sealed record StitchCompletion(string InstanceId, string JobId, int Batch, double Seconds, string? Error)
{
#pragma warning disable CA1822 // An instance property, so that the JSON carries it.
    public string Kind => PtiMessages.StitchKind;
#pragma warning restore CA1822

    public static StitchCompletion Succeeded(StitchWorkItem item, double seconds) => new(Check.NotNull(item).InstanceId, item.JobId, item.Batch, seconds, null);

    public static StitchCompletion Failed(StitchWorkItem item, string error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new(Check.NotNull(item).InstanceId, item.JobId, item.Batch, 0, error);
    }

    public string ToJson() => WorkflowLimits.Serialize(this, "A stitch completion");
}

/// <summary>A worker's report as the host raises it: on which instance, as which event, with which payload.</summary>
public sealed record WorkerReport(string InstanceId, string JobId, string EventName, object Payload)
{
    /// <summary>Reads a completion message of either kind; anything else is refused with <see cref="PtiMessageException"/>.</summary>
    public static WorkerReport Parse(string json)
    {
        if (PtiMessages.KindOf(json) != PtiMessages.StitchKind)
        {
            var pti = PtiCompletion.Parse(json);
            return new WorkerReport(pti.InstanceId, pti.JobId, EditOrchestration.PtiCompletedEvent, pti);
        }
        var stitch = PtiMessages.Parse<StitchCompletion>(json, "stitch completion");
        if (string.IsNullOrWhiteSpace(stitch.InstanceId) || string.IsNullOrWhiteSpace(stitch.JobId) || stitch.Batch < 0)
        {
            throw new PtiMessageException($"A stitch completion needs instanceId, jobId and a batch ≥ 0: {PtiMessages.Excerpt(json)}");
        }
        return new WorkerReport(stitch.InstanceId, stitch.JobId, EditOrchestration.StitchCompletedEvent(stitch.Batch), stitch);
    }
}

/// <summary>Reading and writing the queue messages of the PTI protocol.</summary>
public static class PtiMessages
{
    /// <summary>The <c>kind</c> of stitching work items and their completions; PTI messages carry none.</summary>
    public const string StitchKind = "stitch";

    /// <summary>Reads a work item of either kind; anything that is not one is refused with <see cref="PtiMessageException"/>.</summary>
    public static WorkerItem ParseWork(string json)
    {
        if (KindOf(json) != StitchKind)
        {
            return ParseWorkItem(json);
        }
        var item = Parse<StitchWorkItem>(json, "stitch work item");
        if (string.IsNullOrWhiteSpace(item.InstanceId) || string.IsNullOrWhiteSpace(item.JobId) || item.Batch < 0 || item.Chunks is not { Count: > 0 }
            || item.Chunks.Any(c => c is null || c.JobId != item.JobId || c.Start < 0 || c.Count <= 0))
        {
            throw new PtiMessageException($"A stitch work item needs instanceId, jobId, a batch ≥ 0 and chunks of that job: {Excerpt(json)}");
        }
        return item;
    }

    public static string ToJson(StitchWorkItem item) => WorkflowLimits.Serialize(Check.NotNull(item), "A stitch work item");

    /// <summary>The message's <c>kind</c> property, or null (PTI) when it has none or is not a JSON object.</summary>
    internal static string? KindOf(string json)
    {
        Check.NotNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
                ? kind.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null; // the typed parse says what is wrong
        }
    }

    /// <summary>Reads a work item; anything that is not one is refused with <see cref="PtiMessageException"/>.</summary>
    public static PtiWorkItem ParseWorkItem(string json)
    {
        var item = Parse<PtiWorkItem>(json, "PTI work item");
        if (string.IsNullOrWhiteSpace(item.InstanceId) || string.IsNullOrWhiteSpace(item.JobId))
        {
            throw new PtiMessageException($"A PTI work item needs instanceId and jobId: {Excerpt(json)}");
        }
        return item;
    }

    public static string ToJson(PtiWorkItem item) => WorkflowLimits.Serialize(Check.NotNull(item), "A PTI work item");

    internal static T Parse<T>(string json, string what)
    {
        Check.NotNull(json);
        try
        {
            return WorkflowLimits.Deserialize<T>(json) ?? throw new PtiMessageException($"A {what} was empty (null).");
        }
        catch (JsonException e)
        {
            throw new PtiMessageException($"A {what} is not valid JSON ({e.Message}): {Excerpt(json)}", e);
        }
    }

    internal static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

/// <summary>A queue message of the PTI protocol could not be read. The message says what was wrong and quotes the start of it.</summary>
public class PtiMessageException : Exception
{
    public PtiMessageException() { }

    public PtiMessageException(string message) : base(message) { }

    public PtiMessageException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>The GPU worker gave up on a job's PTI (its message says why); the orchestration fails with it.</summary>
public class PtiFailedException : Exception
{
    public PtiFailedException() { }

    public PtiFailedException(string message) : base(message) { }

    public PtiFailedException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>What lands on <see cref="PtiQueues.Poison"/>: the original message, where it came from, and why it was given up.</summary>
public sealed record PoisonRecord(string Queue, string MessageId, int DequeueCount, string Reason, string Text)
{
    public static string ToJson(string queue, QueueMessage message, string reason)
    {
        Check.NotNull(message);
        ArgumentNullException.ThrowIfNull(reason);
        // Cut so that the record always fits a queue message (48 KiB of text) even if every character is escaped 6×.
        var record = new PoisonRecord(queue, message.Id, message.DequeueCount, Cut(reason, 1_000), Cut(message.Text, 6_000));
        return JsonSerializer.Serialize(record, WorkflowLimits.Json);
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
