using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Workflow.Local;

/// <summary>
/// The host's durable state in one container of an <see cref="IBlobStore"/> (filesystem or Azure):
/// <c>instances/{id}.json</c> (status, updated with If-Match), <c>history/{id}/{key}.json</c> (completed steps,
/// create-only), <c>timers/{id}/{key}.json</c> (event deadlines, create-only), <c>events/{id}/{name}/{seq}.json</c>
/// (raised events) and <c>attempts/{id}/{key}/{n}.json</c> (one per activity attempt).
/// </summary>
internal sealed partial class InstanceStore(IBlobStore store, string container)
{
    private static readonly string[] Areas = ["history", "timers", "events", "attempts"];

    public IBlobStore Blobs => store;

    public Task InitializeAsync(CancellationToken cancellationToken) => store.CreateContainerIfNotExistsAsync(container, cancellationToken);

    /// <summary>Instance ids and event names become blob names: letters, digits, '-', '_' and '.' only.</summary>
    public static string CheckName(string value, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, what);
        return value.Length <= 100 && SafeName().IsMatch(value) ? value
            : throw new ArgumentException($"The {what} '{value}' must be 1-100 letters, digits, '-', '_' or '.'.", what);
    }

    /// <summary>Creates the record unless one exists; false when it did.</summary>
    public async Task<bool> CreateAsync(WorkflowStatus status, CancellationToken cancellationToken)
    {
        try
        {
            await store.WriteJsonAsync(container, InstanceName(status.InstanceId), status, WorkflowLimits.Json, BlobCondition.IfNoneExists, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BlobAlreadyExistsException)
        {
            return false;
        }
    }

    public async Task<WorkflowStatus?> GetAsync(string instanceId, CancellationToken cancellationToken) =>
        (await ReadWithETagAsync(instanceId, cancellationToken).ConfigureAwait(false))?.Status;

    /// <summary>
    /// Applies <paramref name="change"/> to the stored record with optimistic concurrency (If-Match), re-reading on a
    /// conflict; <paramref name="change"/> returns null to leave the record as it is. Returns the record now stored.
    /// </summary>
    public async Task<WorkflowStatus?> UpdateAsync(string instanceId, Func<WorkflowStatus, WorkflowStatus?> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await ReadWithETagAsync(instanceId, cancellationToken).ConfigureAwait(false) is not var (current, etag))
            {
                return null;
            }
            if (change(current) is not { } next)
            {
                return current;
            }
            try
            {
                await store.WriteJsonAsync(container, InstanceName(instanceId), next, WorkflowLimits.Json, BlobCondition.IfMatch(etag), cancellationToken).ConfigureAwait(false);
                return next;
            }
            catch (BlobPreconditionFailedException)
            {
                // Someone else (a terminate, a status write) got there first: apply the change to their version.
            }
        }
    }

    public async IAsyncEnumerable<string> ListInstanceIdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in store.ListAsync(container, "instances/", cancellationToken).ConfigureAwait(false))
        {
            yield return blob.Name["instances/".Length..^".json".Length];
        }
    }

    public async Task<Dictionary<string, HistoryRecord>> ReadHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        var history = new Dictionary<string, HistoryRecord>(StringComparer.Ordinal);
        await foreach (var blob in store.ListAsync(container, $"history/{instanceId}/", cancellationToken).ConfigureAwait(false))
        {
            var record = await store.ReadJsonAsync<HistoryRecord>(container, blob.Name, WorkflowLimits.Json, cancellationToken).ConfigureAwait(false);
            history[record.Key] = record;
        }
        return history;
    }

    /// <summary>Records a step; if another execution recorded it first, theirs stands and is returned.</summary>
    public async Task<HistoryRecord> AppendHistoryAsync(string instanceId, HistoryRecord record, CancellationToken cancellationToken)
    {
        string name = $"history/{instanceId}/{record.Key}.json";
        try
        {
            await store.WriteJsonAsync(container, name, record, WorkflowLimits.Json, BlobCondition.IfNoneExists, cancellationToken).ConfigureAwait(false);
            return record;
        }
        catch (BlobAlreadyExistsException)
        {
            return await store.ReadJsonAsync<HistoryRecord>(container, name, WorkflowLimits.Json, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The deadline of a wait: the stored one, or <paramref name="proposed"/> stored now if none.</summary>
    public async Task<DateTimeOffset> GetOrCreateTimerAsync(string instanceId, string key, DateTimeOffset proposed, CancellationToken cancellationToken)
    {
        string name = $"timers/{instanceId}/{key}.json";
        try
        {
            await store.WriteJsonAsync(container, name, new TimerRecord(proposed), WorkflowLimits.Json, BlobCondition.IfNoneExists, cancellationToken).ConfigureAwait(false);
            return proposed;
        }
        catch (BlobAlreadyExistsException)
        {
            return (await store.ReadJsonAsync<TimerRecord>(container, name, WorkflowLimits.Json, cancellationToken).ConfigureAwait(false)).Deadline;
        }
    }

    public Task WriteEventAsync(string instanceId, string eventName, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Sortable by arrival; the GUID keeps two events in the same tick apart.
        string sequence = string.Create(CultureInfo.InvariantCulture, $"{now.UtcTicks:D19}-{Guid.NewGuid():N}");
        return store.WriteBytesAsync(container, $"events/{instanceId}/{eventName}/{sequence}.json", System.Text.Encoding.UTF8.GetBytes(payloadJson),
            new BlobWriteOptions { ContentType = "application/json", Condition = BlobCondition.IfNoneExists }, cancellationToken);
    }

    /// <summary>The payload of the <paramref name="index"/>-th event called <paramref name="eventName"/> (0-based, by arrival), or null.</summary>
    public async Task<string?> ReadEventAsync(string instanceId, string eventName, int index, CancellationToken cancellationToken)
    {
        int i = 0;
        await foreach (var blob in store.ListAsync(container, $"events/{instanceId}/{eventName}/", cancellationToken).ConfigureAwait(false))
        {
            if (i++ == index)
            {
                return System.Text.Encoding.UTF8.GetString(await store.ReadBytesAsync(container, blob.Name, null, cancellationToken).ConfigureAwait(false));
            }
        }
        return null;
    }

    public Task RecordAttemptAsync(string instanceId, ActivityAttempt attempt, CancellationToken cancellationToken) =>
        store.WriteJsonAsync(container, string.Create(CultureInfo.InvariantCulture, $"attempts/{instanceId}/{attempt.Key}/{attempt.Attempt:D2}-{Guid.NewGuid():N}.json"),
            attempt, WorkflowLimits.Json, BlobCondition.IfNoneExists, cancellationToken);

    public async Task<List<ActivityAttempt>> ReadAttemptsAsync(string instanceId, CancellationToken cancellationToken)
    {
        var attempts = new List<ActivityAttempt>();
        await foreach (var blob in store.ListAsync(container, $"attempts/{instanceId}/", cancellationToken).ConfigureAwait(false))
        {
            attempts.Add(await store.ReadJsonAsync<ActivityAttempt>(container, blob.Name, WorkflowLimits.Json, cancellationToken).ConfigureAwait(false));
        }
        return attempts;
    }

    /// <summary>Deletes everything of the instance, its record last (so a half-done purge can be repeated).</summary>
    public async Task<bool> DeleteAsync(string instanceId, CancellationToken cancellationToken)
    {
        foreach (string area in Areas)
        {
            var names = new List<string>();
            await foreach (var blob in store.ListAsync(container, $"{area}/{instanceId}/", cancellationToken).ConfigureAwait(false))
            {
                names.Add(blob.Name);
            }
            foreach (string name in names)
            {
                await store.DeleteIfExistsAsync(container, name, cancellationToken).ConfigureAwait(false);
            }
        }
        return await store.DeleteIfExistsAsync(container, InstanceName(instanceId), cancellationToken).ConfigureAwait(false);
    }

    private static string InstanceName(string instanceId) => $"instances/{instanceId}.json";

    private async Task<(WorkflowStatus Status, string ETag)?> ReadWithETagAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            var download = await store.OpenReadAsync(container, InstanceName(instanceId), null, cancellationToken).ConfigureAwait(false);
            await using (download.ConfigureAwait(false))
            {
                var status = await JsonSerializer.DeserializeAsync<WorkflowStatus>(download.Content, WorkflowLimits.Json, cancellationToken).ConfigureAwait(false)
                    ?? throw new JsonException($"Instance record of '{instanceId}' is JSON null.");
                return (status, download.Properties.ETag);
            }
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex SafeName();
}
