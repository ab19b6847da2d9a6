using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace ServerlessStitch.Pipeline.Stitching;

/// <summary>
/// Long-lived threads for tensor work that runs side by side. libtorch state (grad mode, dispose scopes, the
/// intra-op count) belongs to one OS thread, so the work needs threads of its own; they are kept and reused
/// because every new thread also gets its own malloc arena and libtorch caches. In `make bench`'s streaming stages
/// (198 frames), two fresh threads per chunk gave a 901 MB peak, against 576 MB frame by frame and 657 MB with these.
/// </summary>
internal static class TensorWorkerThreads
{
    private static readonly BlockingCollection<Action> Queue = new();
    private static readonly Lock Gate = new();
    private static int started;

    /// <summary>Runs <paramref name="body"/>(0 … <paramref name="workers"/>−1) on pool threads and waits for all; the first failure is rethrown.</summary>
    public static void Run(int workers, Action<int> body)
    {
        EnsureStarted(workers);
        using var done = new CountdownEvent(workers);
        Exception? failure = null;
        for (int w = 0; w < workers; w++)
        {
            int index = w;
            Queue.Add(() =>
            {
                try
                {
                    body(index);
                }
#pragma warning disable CA1031 // Whatever a worker throws is rethrown on the calling thread.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
                finally
                {
                    done.Signal();
                }
            });
        }
        done.Wait();
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static void EnsureStarted(int workers)
    {
        lock (Gate)
        {
            // Enough for this call and one more like it at the same time (a host running two chunks at once).
            for (; started < Math.Min(2 * workers, 2 * StitchingTuner.MaxWorkers); started++)
            {
                new Thread(() =>
                {
                    foreach (Action work in Queue.GetConsumingEnumerable())
                    {
                        work();
                    }
                }) { IsBackground = true, Name = "tensor worker" }.Start();
            }
        }
    }
}
