using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Torch.Tests;

public class AdamTests
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
}
