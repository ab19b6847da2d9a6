using System.Collections.Concurrent;

namespace ServerlessStitch.Storage;

/// <summary>
/// Serialises the commits of one container across threads (a semaphore) and across processes (an
/// exclusive lock on a lock file, which the OS releases if the holder dies), so a condition checked
/// under the lock still holds when the rename happens.
/// </summary>
internal sealed class ContainerCommitLock : IDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> InProcessLocks = new(StringComparer.Ordinal);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(2);

    private readonly SemaphoreSlim _gate;
    private readonly FileStream _file;

    private ContainerCommitLock(SemaphoreSlim gate, FileStream file)
    {
        _gate = gate;
        _file = file;
    }

    /// <summary>Waits for the lock. Cancelling stops waiting.</summary>
    public static async Task<ContainerCommitLock> AcquireAsync(string lockFilePath, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = InProcessLocks.GetOrAdd(lockFilePath, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                try
                {
                    // FileShare.None takes an exclusive flock: another process holding it makes this throw.
                    var file = new FileStream(lockFilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new ContainerCommitLock(gate, file);
                }
                catch (IOException) when (File.Exists(lockFilePath))
                {
                    await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _gate.Release();
    }
}
