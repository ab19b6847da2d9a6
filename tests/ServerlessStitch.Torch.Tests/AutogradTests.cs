using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Torch.Tests;

public class AutogradTests
{
    [Fact]
    public void Backward_OfClosedForms_GivesTheAnalyticGradients()
    {
        using var scope = NewDisposeScope();
        double[] values = [0.5, 1.5, 2.0, 3.0];
        var x = tensor(values, [4], requires_grad: true);

        // d/dx sum(x^3 + sqrt(x) + 2x) = 3x^2 + 1/(2 sqrt(x)) + 2
        (x.pow(3) + x.sqrt() + x * 2).sum().backward();

        Assertions.Close(values.Select(v => 3 * v * v + 0.5 / Math.Sqrt(v) + 2).ToArray(), x.grad!.data<double>(), 1e-12);
    }

    [Fact]
    public void Backward_ThroughClampAndLeakyRelu_FollowsTheirPiecewiseSlopes()
    {
        using var scope = NewDisposeScope();
        var x = tensor([-2.0, -0.5, 0.5, 2.0], [4], requires_grad: true);

        (x.clamp(-1, 1) + x.leaky_relu(0.1)).sum().backward();

        Assertions.Close([0.1, 1.1, 2.0, 1.0], x.grad!.data<double>(), 1e-12);
    }

    [Fact]
    public void Backward_OfANonlinearChain_MatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var x0 = randn([2, 5], dtype: float64, generator: generator);
        var w = randn([5, 3], dtype: float64, generator: generator);

        Tensor Loss(Tensor x) => (x.matmul(w).tanh() * x.sigmoid().sum(1, keepdim: true)).softmax(1).square().sum()
                                 + x.abs().pow(1.5).mean();

        var x = x0.clone().requires_grad_();
        Loss(x).backward();

        Assertions.Close(FiniteDifference(Loss, x0), x.grad!.data<double>(), 1e-7);
    }

    [Fact]
    public void Backward_ThroughConvPoolResampleAndWarp_MatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var x0 = randn([1, 2, 8, 8], dtype: float64, generator: generator);
        var weight = randn([3, 2, 3, 3], dtype: float64, generator: generator) * 0.3;
        var theta = tensor([0.9, 0.1, 0.05, -0.1, 1.1, -0.05], [1, 2, 3]);
        var grid = F.affine_grid(theta, [1, 3, 6, 6]);

        Tensor Loss(Tensor x)
        {
            var y = F.conv2d(x, weight, padding: [1]).leaky_relu(0.2);
            y = F.avg_pool2d(F.pad(y, [1, 1, 1, 1], PaddingModes.Reflect), [2]) + F.max_pool2d(y, [2], strides: [2]).mean();
            y = F.interpolate(y, size: [7, 7], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
            return F.grid_sample(y, grid, align_corners: false).square().sum();
        }

        var x = x0.clone().requires_grad_();
        Loss(x).backward();

        Assertions.Close(FiniteDifference(Loss, x0), x.grad!.data<double>(), 1e-6);
    }

    [Fact]
    public void Detach_StopsGradientsAndNoGradRecordsNothing()
    {
        using var scope = NewDisposeScope();
        var x = tensor([2.0], [1], requires_grad: true);

        (x * x.detach()).sum().backward();
        Assert.Equal([2.0], x.grad!.data<double>());

        Tensor y;
        using (no_grad())
        {
            Assert.False(is_grad_enabled());
            y = x * 3;
        }

        Assert.True(is_grad_enabled());
        Assert.False(y.requires_grad);
        Assert.True(x.is_leaf);
        Assert.Null(tensor([1f], [1]).grad);
    }

    /// <summary>Central differences of a scalar function, element by element (float64, step 1e-6).</summary>
    private static double[] FiniteDifference(Func<Tensor, Tensor> loss, Tensor x0)
    {
        const double step = 1e-6;
        var values = x0.data<double>();
        var shape = x0.shape;
        var gradient = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            using var scope = NewDisposeScope();
            var saved = values[i];
            values[i] = saved + step;
            var up = loss(tensor(values, shape)).item<double>();
            values[i] = saved - step;
            var down = loss(tensor(values, shape)).item<double>();
            values[i] = saved;
            gradient[i] = (up - down) / (2 * step);
        }

        return gradient;
    }
}
