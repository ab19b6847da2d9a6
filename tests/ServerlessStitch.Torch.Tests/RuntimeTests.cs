using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Torch.Tests;

public class RuntimeTests
{
    [Fact]
    public void SetNumThreads_IsHonouredOnThisThreadAndOnThreadsThatAlreadyRanOps()
    {
        var original = get_num_threads();
        var target = original + 1;  // differs from the count the worker thread starts with
        using var workerReady = new ManualResetEventSlim();
        using var countChanged = new ManualResetEventSlim();
        var seenByWorker = 0;
        var worker = new Thread(() =>
        {
            using (var scope = NewDisposeScope())
            {
                _ = (ones([64, 64]) * 2).sum();  // the worker's OpenMP state is initialised before the change
            }

            workerReady.Set();
            countChanged.Wait();
            seenByWorker = get_num_threads();
        });
        try
        {
            worker.Start();
            workerReady.Wait();
            set_num_threads(target);
            Assert.Equal(target, get_num_threads());
            Assert.Contains($"at::get_num_threads() : {target}", __config__.parallel_info());
            countChanged.Set();
            worker.Join();
            Assert.Equal(target, seenByWorker);
        }
        finally
        {
            countChanged.Set();
            set_num_threads(original);
        }

        Assert.Equal(original, get_num_threads());
        Assert.Throws<ArgumentOutOfRangeException>(() => set_num_threads(0));
    }

    [Fact]
    public void ThreadNumThreads_AppliesToTheCallingThreadOnlyAndIsRestored()
    {
        var processWide = get_num_threads();
        int inside = 0, nested = 0, afterNested = 0, after = 0, otherThread = 0, freshThreadInside = 0;
        using var overridden = new ManualResetEventSlim();
        using var checkedOther = new ManualResetEventSlim();
        var worker = new Thread(() =>
        {
            using (thread_num_threads(processWide + 2))
            {
                inside = get_num_threads();
                using (thread_num_threads(1))
                {
                    nested = get_num_threads();
                }
                afterNested = get_num_threads();
                overridden.Set();
                checkedOther.Wait();
            }
            after = get_num_threads();
        });
        // A thread that never ran an op before its override: ATen's lazy per-thread set-up must not undo it.
        var fresh = new Thread(() =>
        {
            using (thread_num_threads(1))
            {
                using var scope = NewDisposeScope();
                _ = (ones([256, 256]).matmul(ones([256, 256]))).sum();
                freshThreadInside = get_num_threads();
            }
        });
        worker.Start();
        overridden.Wait();
        otherThread = get_num_threads();
        checkedOther.Set();
        worker.Join();
        fresh.Start();
        fresh.Join();

        Assert.Equal((processWide + 2, 1, processWide + 2, processWide), (inside, nested, afterNested, after));
        Assert.Equal(processWide, otherThread);
        Assert.Equal(1, freshThreadInside);
        Assert.Throws<ArgumentOutOfRangeException>(() => thread_num_threads(0));
    }

    [Fact]
    public void NoGrad_AppliesToTheCallingThreadOnly()
    {
        var otherThreadSawGrad = false;
        using (no_grad())
        {
            var other = new Thread(() => otherThreadSawGrad = is_grad_enabled());
            other.Start();
            other.Join();
            Assert.False(is_grad_enabled());
        }

        Assert.True(otherThreadSawGrad);
        Assert.True(is_grad_enabled());
    }

    [Fact]
    public void Version_IsTheLinkedLibtorch()
    {
        Assert.StartsWith("1.13", __version__);
    }

    [Fact]
    public void TorchSmoke_FitsTheLineAndReportsFallingLoss()
    {
        using var output = new StringWriter();

        var result = TorchSmoke.Run(output);

        Assert.Contains("libtorch 1.13", output.ToString());
        Assert.True(result.FinalLoss < result.InitialLoss / 100, $"loss {result.InitialLoss} -> {result.FinalLoss}");
        Assert.Equal(3, result.Slope, 1);
        Assert.Equal(-2, result.Intercept, 1);
    }
}
