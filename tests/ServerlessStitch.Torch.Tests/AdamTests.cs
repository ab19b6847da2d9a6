using Xunit.Abstractions;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Torch.Tests;

public class AdamTests(ITestOutputHelper output)
{
    [Fact]
    public void Step_FirstUpdate_MovesEachParameterByLearningRateAgainstItsGradientSign()
    {
        using var scope = NewDisposeScope();
        var p = tensor([1f, -2f, 0.5f], [3], requires_grad: true);
        using var adam = optim.Adam([p], lr: 0.01);

        (p.square() * tensor([3f, 1f, 10f], [3])).sum().backward();
        adam.step();

        // m̂ = g, v̂ = g², so the first step is lr · g / (|g| + eps) = lr · sign(g)
        Assertions.Close([0.99f, -1.99f, 0.49f], p.data<float>(), 1e-6);
    }

    [Fact]
    public void Step_FiveSteps_MatchTheClosedFormRecurrence()
    {
        using var scope = NewDisposeScope();
        double[] a = [0.5, 2.0, 8.0];
        double[] start = [1.0, -1.0, 0.25];
        const double lr = 0.05, beta1 = 0.8, beta2 = 0.95, eps = 1e-6;
        var p = tensor(start, [3], requires_grad: true);
        var scale = tensor(a, [3]);
        using var adam = optim.Adam([p], lr, beta1, beta2, eps);

        var expected = (double[])start.Clone();
        var m = new double[3];
        var v = new double[3];
        for (var t = 1; t <= 5; t++)
        {
            adam.zero_grad();
            (p.square() * scale * 0.5).sum().backward();
            adam.step();

            for (var i = 0; i < 3; i++)
            {
                var g = a[i] * expected[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                var mHat = m[i] / (1 - Math.Pow(beta1, t));
                var vHat = v[i] / (1 - Math.Pow(beta2, t));
                expected[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }

            Assertions.Close(expected, p.data<double>(), 1e-12);
        }
    }

    [Fact]
    public void ZeroGrad_ResetsAccumulatedGradients()
    {
        using var scope = NewDisposeScope();
        var p = tensor([1f, 2f], [2], requires_grad: true);
        using var adam = optim.Adam([p]);

        p.sum().backward();
        p.sum().backward();
        Assert.Equal([2f, 2f], p.grad!.data<float>());

        adam.zero_grad();
        Assert.Equal([0f, 0f], p.grad!.data<float>());
    }

    [Fact]
    public void Adam_RejectsNonLeafParameters()
    {
        using var scope = NewDisposeScope();
        var p = tensor([1f], [1], requires_grad: true);

        var error = Assert.Throws<TorchException>(() => optim.Adam([p * 2]));
        Assert.Contains("not a leaf", error.Message);
    }
    [Fact]
    public void SaveLoad_AfterThreeSteps_FreshOptimizerOverCopiesTakesTheSameNextStep()
    {
        using var scope = NewDisposeScope();
        float[] startA = [1f, -2f, 0.5f], startB = [0.25f, 4f];
        var a = tensor(startA, [3], requires_grad: true);
        var b = tensor(startB, [2], requires_grad: true);
        using var original = optim.Adam([a, b], lr: 0.05, beta1: 0.8, beta2: 0.9);
        void Step(Modules.Adam adam, Tensor x, Tensor y)
        {
            adam.zero_grad();
            ((x.square() * tensor([3f, 1f, 10f], [3])).sum() + (y - 1).abs().sum() * 2).backward();
            adam.step();
        }
        for (var i = 0; i < 3; i++)
        {
            Step(original, a, b);
        }

        using var saved = new MemoryStream();
        original.save(saved);
        var a2 = tensor(a.data<float>(), [3], requires_grad: true);
        var b2 = tensor(b.data<float>(), [2], requires_grad: true);
        using var resumed = optim.Adam([a2, b2], lr: 0.05, beta1: 0.8, beta2: 0.9);
        saved.Position = 0;
        resumed.load(saved);
        var a3 = tensor(a.data<float>(), [3], requires_grad: true);
        var b3 = tensor(b.data<float>(), [2], requires_grad: true);
        using var restarted = optim.Adam([a3, b3], lr: 0.05, beta1: 0.8, beta2: 0.9);

        Step(original, a, b);
        Step(resumed, a2, b2);
        Step(restarted, a3, b3);

        Assert.True(saved.Length > 0);
        Assert.Equal(a.data<float>(), a2.data<float>());
        Assert.Equal(b.data<float>(), b2.data<float>());
        // Without the state the step differs (a first step moves by lr · sign(g)), so the test sees the moments.
        Assert.NotEqual(a.data<float>(), a3.data<float>());
    }

    [Fact]
    public void Load_GarbageBytes_ThrowsTorchExceptionSayingWhat()
    {
        using var scope = NewDisposeScope();
        var p = tensor([1f, 2f], [2], requires_grad: true);
        using var adam = optim.Adam([p]);

        var error = Assert.Throws<TorchException>(() => adam.load(new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8])));
        var empty = Assert.Throws<TorchException>(() => adam.load(new MemoryStream()));
        output.WriteLine(error.Message);

        Assert.StartsWith("the stream does not hold a saved Adam state", error.Message);
        Assert.DoesNotContain("frame #", error.Message);   // libtorch's message without its C++ backtrace
        Assert.Contains("empty", empty.Message);
    }

    [Fact]
    public void Load_StateOfAnotherParameterList_ThrowsTorchException()
    {
        using var scope = NewDisposeScope();
        var a = tensor([1f, 2f], [2], requires_grad: true);
        var b = tensor([3f], [1], requires_grad: true);
        using var two = optim.Adam([a, b]);
        a.sum().backward();
        b.sum().backward();
        two.step();
        using var saved = new MemoryStream();
        two.save(saved);
        using var one = optim.Adam([tensor([1f, 2f], [2], requires_grad: true)]);

        saved.Position = 0;
        var error = Assert.Throws<TorchException>(() => one.load(saved));

        Assert.StartsWith("the stream does not hold a saved Adam state", error.Message);
    }
}
