namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its action at once on the reporting thread. (The framework's
/// <see cref="Progress{T}"/> posts to the thread pool, so reports could arrive late and out of order.)
/// </summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
