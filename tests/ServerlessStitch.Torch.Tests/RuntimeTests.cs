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
