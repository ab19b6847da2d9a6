using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessStitch.Storage.Queues;

/// <summary>
/// The embedded queue: a folder <c>.queues/&lt;name&gt;/</c> under the storage root (the same root as
/// <see cref="FileSystemBlobStore"/>; hidden folders start with '.', which no container name can), one JSON file per
/// message named by insertion time and id. Every change is a write to a temporary file and an atomic rename, made
/// under the queue's lock (a semaphore in the process plus an exclusive lock on <c>queue.lock</c> across
/// processes), so an orchestration host and workers in other processes can share it and two consumers racing for
/// one message never both get it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A storage queue is what it is; the name matches Azure's and the shared worker contract.")]
public sealed class FileSystemMessageQueue : IMessageQueue
{
    /// <summary>The folder under the storage root that holds the queues.</summary>
    public const string QueuesFolderName = ".queues";

    private const string MessageExtension = ".json";
    private static readonly TimeSpan TemporaryFileLifetime = TimeSpan.FromDays(1);

    private readonly TimeProvider _time;
    private readonly string _lockPath;

    /// <param name="rootPath">The storage root (the filesystem blob store's folder); the queue lives in <c>.queues/<paramref name="name"/></c> under it.</param>
    /// <param name="timeProvider">The clock for visibility; the system clock unless a test passes its own.</param>
    public FileSystemMessageQueue(string rootPath, string name, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        QueueRules.ValidateName(name, nameof(name));
        Name = name;
        Location = Path.Combine(Path.GetFullPath(rootPath), QueuesFolderName, name);
        _lockPath = Path.Combine(Location, "queue.lock");
        _time = timeProvider ?? TimeProvider.System;
    }

    public string Name { get; }

    /// <summary>The queue's folder.</summary>
    public string Location { get; }

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Location);
        RemoveAbandonedTemporaryFiles();
        return Task.CompletedTask;
    }

    public Task<string> SendAsync(string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        QueueRules.Encode(Name, text); // the size check Azure makes, so a message that fits here fits there
        int delay = QueueRules.Seconds(visibilityDelay ?? TimeSpan.Zero, allowZero: true, nameof(visibilityDelay));
        EnsureExists();
        DateTimeOffset now = _time.GetUtcNow();
        var stored = new StoredMessage(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), text, 0, now, now.AddSeconds(delay));

        // A new file appears whole through the rename, so sending needs no lock: no one else can hold this name.
        WriteAtomically(MessagePath(stored), stored);
        return Task.FromResult(stored.Id);
    }

    public async Task<QueueMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        int seconds = QueueRules.Seconds(visibilityTimeout, allowZero: false, nameof(visibilityTimeout));
        EnsureExists();
        using ContainerCommitLock gate = await ContainerCommitLock.AcquireAsync(_lockPath, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();

        // Names start with the insertion time, so ordinal order is oldest first (best effort, like Azure).
        foreach (string path in Directory.EnumerateFiles(Location, "*" + MessageExtension).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            StoredMessage? stored = TryRead(path);
            if (stored is null || stored.NextVisibleOn > now)
            {
                continue;
            }

            StoredMessage leased = stored with
            {
                PopReceipt = Guid.NewGuid().ToString(),
                DequeueCount = stored.DequeueCount + 1,
                NextVisibleOn = now.AddSeconds(seconds),
            };
            WriteAtomically(path, leased);
            return leased.ToMessage();
        }

        return null;
    }

    public async Task<QueueMessage> UpdateVisibilityAsync(QueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        int seconds = QueueRules.Seconds(visibilityTimeout, allowZero: true, nameof(visibilityTimeout));
        EnsureExists();
        using ContainerCommitLock gate = await ContainerCommitLock.AcquireAsync(_lockPath, cancellationToken).ConfigureAwait(false);
        (string path, StoredMessage stored) = FindLeased(message, "update the visibility of");
        StoredMessage updated = stored with { PopReceipt = Guid.NewGuid().ToString(), NextVisibleOn = _time.GetUtcNow().AddSeconds(seconds) };
        WriteAtomically(path, updated);
        return updated.ToMessage();
    }

    public async Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureExists();
        using ContainerCommitLock gate = await ContainerCommitLock.AcquireAsync(_lockPath, cancellationToken).ConfigureAwait(false);
        (string path, _) = FindLeased(message, "delete");
        File.Delete(path);
    }

    public Task<int> ApproximateCountAsync(CancellationToken cancellationToken = default)
    {
        EnsureExists();
        return Task.FromResult(Directory.EnumerateFiles(Location, "*" + MessageExtension).Count());
    }

    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        EnsureExists();
        using ContainerCommitLock gate = await ContainerCommitLock.AcquireAsync(_lockPath, cancellationToken).ConfigureAwait(false);
        foreach (string path in Directory.EnumerateFiles(Location, "*" + MessageExtension).ToList())
        {
            File.Delete(path);
        }
    }

    private void EnsureExists()
    {
        if (!Directory.Exists(Location))
        {
            throw QueueNotFoundException.For(Name);
        }
    }

    /// <summary>The message's file and record, if its pop receipt is still the current one; otherwise the lease is lost.</summary>
    private (string Path, StoredMessage Stored) FindLeased(QueueMessage message, string operation)
    {
        // Only ids we issued (GUIDs) can name a file, so a caller's id never reaches the filesystem as a pattern.
        if (!Guid.TryParse(message.Id, out Guid id))
        {
            throw QueueMessageLostException.For(Name, message.Id, operation);
        }

        string? path = Directory.EnumerateFiles(Location, $"*_{id}{MessageExtension}").FirstOrDefault();
        StoredMessage? stored = path is null ? null : TryRead(path);
        if (path is null || stored is null || !string.Equals(stored.PopReceipt, message.PopReceipt, StringComparison.Ordinal))
        {
            throw QueueMessageLostException.For(Name, message.Id, operation);
        }

        return (path, stored);
    }

    private string MessagePath(StoredMessage message)
        => Path.Combine(Location, $"{message.InsertedOn.UtcTicks:D19}_{message.Id}{MessageExtension}");

    /// <summary>Writes the record beside its destination, flushes it to disk, then renames it over the destination.</summary>
    private void WriteAtomically(string path, StoredMessage message)
    {
        string temporary = Path.Combine(Location, $"{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(file, message);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>The record at <paramref name="path"/>, or null when it was deleted meanwhile or cannot be read.</summary>
    private static StoredMessage? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<StoredMessage>(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Temporary files of a process that died between write and rename.</summary>
    private void RemoveAbandonedTemporaryFiles()
    {
        DateTime cutoff = DateTime.UtcNow - TemporaryFileLifetime;
        foreach (FileInfo file in new DirectoryInfo(Location).EnumerateFiles("*.tmp"))
        {
            if (file.LastWriteTimeUtc < cutoff)
            {
                try
                {
                    file.Delete();
                }
                catch (IOException)
                {
                    // Another process may be removing it too.
                }
            }
        }
    }

    private sealed record StoredMessage(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("popReceipt")] string PopReceipt,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("dequeueCount")] int DequeueCount,
        [property: JsonPropertyName("insertedOn")] DateTimeOffset InsertedOn,
        [property: JsonPropertyName("nextVisibleOn")] DateTimeOffset NextVisibleOn)
    {
        public QueueMessage ToMessage() => new(Id, PopReceipt, Text, DequeueCount, InsertedOn, NextVisibleOn);
    }
}
