using System.Diagnostics;
using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Torch.Tests;

public class LifetimeTests
{
    [Fact]
    public void DisposeScope_DisposesItsTensorsButNotThoseMovedOut()
    {
        var baseline = Settle();
        Tensor kept, dropped;
        using (var outer = NewDisposeScope())
        {
            using (var inner = NewDisposeScope())
            {
                dropped = ones([3]) * 2;
                kept = (ones([3]) + 1).MoveToOuterDisposeScope();
                Assert.Equal(3, inner.Count);
            }

            Assert.True(dropped.IsInvalid);
            Assert.Equal([2f, 2, 2], kept.data<float>());
            Assert.Equal(baseline + 1, live_tensor_count());
            Assert.Equal(1, outer.Count);
        }

        Assert.True(kept.IsInvalid);
        Assert.Equal(baseline, live_tensor_count());
    }

    [Fact]
    public void DisposeScope_DetachedTensorIsTheCallersToDispose()
    {
        var baseline = Settle();
        Tensor detached;
        using (NewDisposeScope())
        {
            detached = zeros([2]).DetachFromDisposeScope();
        }

        Assert.False(detached.IsInvalid);
        detached.Dispose();
        Assert.Equal(baseline, live_tensor_count());
    }

    [Fact]
    public void TrainingLoop_TenThousandIterationsInScopes_LeaksNoTensorsAndBoundedMemory()
    {
        using var setup = NewDisposeScope();
        using var generator = new Generator(1);
        using var w = (randn([64, 64], generator: generator) * 0.1).requires_grad_();
        using var x = randn([64, 64], generator: generator);
        using var target = randn([64, 64], generator: generator);
        using var adam = optim.Adam([w], lr: 1e-3);

        void Step()
        {
            using var scope = NewDisposeScope();
            var image = F.interpolate(x.matmul(w).tanh().view(1, 1, 64, 64), size: [32, 32], mode: InterpolationMode.Bilinear);
            var loss = F.mse_loss(F.interpolate(image, size: [64, 64]).view(64, 64), target);
            adam.zero_grad();
            loss.backward();
            adam.step();
            _ = w.grad;
        }

        for (var i = 0; i < 1_000; i++)
        {
            Step();
        }

        var tensors = Settle();
        var rss = ResidentBytes();
        for (var i = 0; i < 10_000; i++)
        {
            Step();
        }

        var grown = ResidentBytes() - rss;
        Assert.Equal(tensors, Settle());
        // each iteration allocates ~100 KB of tensors: leaking even one 16 KB result per step would add 160 MB
        Assert.True(grown < 32L << 20, $"resident memory grew by {grown >> 20} MB over 10,000 iterations");
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return live_tensor_count();
    }

    private static long ResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
