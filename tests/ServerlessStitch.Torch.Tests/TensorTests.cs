using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Torch.Tests;

public class TensorTests
{
    [Fact]
    public void Tensor_FromFloatSpan_RoundTripsValuesShapeAndType()
    {
        float[] values = [1, 2, 3, 4, 5, 6];
        using var t = tensor(values, [2, 3]);

        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(DeviceType.CPU, t.device.type);
        Assert.Equal(6, t.numel());
        Assert.Equal(values, t.data<float>());
        Assert.False(t.requires_grad);
    }

    [Fact]
    public void Tensor_FromBytes_ConvertsToFloatAndBack()
    {
        byte[] pixels = [0, 51, 102, 153, 204, 255];
        using var image = tensor(pixels, [1, 2, 3]);
        using var unit = image.to(float32) / 255;
        using var back = (unit * 255).round().to(uint8);

        Assert.Equal(ScalarType.Byte, image.dtype);
        Assert.Equal([0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f], unit.data<float>());
        Assert.Equal(pixels, back.data<byte>());
    }

    [Fact]
    public void CopyTo_Span_WritesRowMajorElementsOfAPermutedView()
    {
        using var t = arange(0, 6).reshape(2, 3);
        using var transposed = t.permute(1, 0);
        var destination = new float[6];

        transposed.CopyTo<float>(destination);

        Assert.Equal([0f, 3, 1, 4, 2, 5], destination);
    }

    [Fact]
    public void Operators_ComputeElementwiseArithmeticWithBroadcasting()
    {
        using var a = tensor([1f, 2, 3], [3]);
        using var b = tensor([10f], [1]);
        using var sum = a + b;
        using var difference = 1 - a;
        using var product = a * 2;
        using var quotient = 6 / a;
        using var negated = -a;

        Assert.Equal([11f, 12, 13], sum.data<float>());
        Assert.Equal([0f, -1, -2], difference.data<float>());
        Assert.Equal([2f, 4, 6], product.data<float>());
        Assert.Equal([6f, 3, 2], quotient.data<float>());
        Assert.Equal([-1f, -2, -3], negated.data<float>());
    }

    [Fact]
    public void Comparisons_AndWhere_SelectElements()
    {
        using var a = tensor([1f, 5, 3], [3]);
        using var b = tensor([2f, 4, 3], [3]);
        using var greater = a > b;
        using var equal = a.eq(b);
        using var picked = where(greater, a, b);

        Assert.Equal(ScalarType.Bool, greater.dtype);
        Assert.Equal([false, true, false], greater.data<bool>());
        Assert.Equal([false, false, true], equal.data<bool>());
        Assert.Equal([2f, 5, 3], picked.data<float>());
    }

    [Fact]
    public void Reductions_MatchHandComputedValues()
    {
        using var scope = NewDisposeScope();
        using var t = tensor([1f, -2, 3, -4, 5, -6], [2, 3]);
        using var rowSums = t.sum(1);
        using var columnMeans = t.mean(0, keepdim: true);
        var (values, indexes) = t.max(1);
        using var v = values;
        using var i = indexes;
        using var norm = t.norm();
        using var argmax = t.abs().argmax();

        Assert.Equal(-3f, t.sum().item<float>());
        Assert.Equal([2f, -5], rowSums.data<float>());
        Assert.Equal([1L, 3L], columnMeans.shape);
        Assert.Equal([-1.5f, 1.5f, -1.5f], columnMeans.data<float>());
        Assert.Equal([3f, 5], v.data<float>());
        Assert.Equal([2L, 1], i.data<long>());
        Assert.Equal(Math.Sqrt(91), norm.item<double>(), 5);
        Assert.Equal(5L, argmax.item<long>());
        Assert.Equal(-6f, t.min().item<float>());
        Assert.Equal(5f, t.max().item<float>());
    }

    [Fact]
    public void ElementwiseFunctions_MatchMathLibrary()
    {
        using var scope = NewDisposeScope();
        float[] x = [-2f, -0.5f, 0.25f, 3f];
        using var t = tensor(x, [4]);

        Assertions.Close(x.Select(v => MathF.Abs(v)).ToArray(), t.abs().data<float>(), 0);
        Assertions.Close(x.Select(v => v * v).ToArray(), t.square().data<float>(), 1e-6);
        Assertions.Close(x.Select(v => MathF.Sqrt(MathF.Abs(v))).ToArray(), t.abs().sqrt().data<float>(), 1e-6);
        Assertions.Close(x.Select(v => MathF.Pow(MathF.Abs(v), 1.5f)).ToArray(), t.abs().pow(1.5).data<float>(), 1e-5);
        Assertions.Close(x.Select(v => 1 / (1 + MathF.Exp(-v))).ToArray(), t.sigmoid().data<float>(), 1e-6);
        Assertions.Close(x.Select(MathF.Tanh).ToArray(), t.tanh().data<float>(), 1e-6);
        Assertions.Close(x.Select(v => v < 0 ? 0.2f * v : v).ToArray(), t.leaky_relu(0.2).data<float>(), 1e-7);
        Assertions.Close(x.Select(v => Math.Clamp(v, -1f, 1f)).ToArray(), t.clamp(-1, 1).data<float>(), 0);
        Assertions.Close(x.Select(v => Math.Max(v, 0f)).ToArray(), t.clamp(min: 0).data<float>(), 0);
        var exp = x.Select(MathF.Exp).ToArray();
        Assertions.Close(exp.Select(e => e / exp.Sum()).ToArray(), t.softmax(0).data<float>(), 1e-6);
    }

    [Fact]
    public void ShapeOperations_ProduceExpectedLayouts()
    {
        using var scope = NewDisposeScope();
        using var t = arange(0, 24).reshape(2, 3, 4);

        Assert.Equal([4L, 2, 3], t.permute(2, 0, 1).shape);
        Assert.Equal([0f, 1, 2, 3, 12, 13, 14, 15], t.narrow(1, 0, 1).data<float>());
        Assert.Equal([1f, 3, 5, 7, 9, 11], t.select(0, 0).slice(1, 1, 4, 2).reshape(6).data<float>());
        using var index = tensor([2L, 0], [2]);
        Assert.Equal([8f, 9, 10, 11, 0, 1, 2, 3], t.select(0, 0).index_select(0, index).view(8).data<float>());
        Assert.Equal([2L, 3, 4], t.view(6, 4).view(2, 3, 4).shape);
        Assert.Equal([1L, 2, 3, 4], t.unsqueeze(0).shape);
        Assert.Equal([2L, 12], t.flatten(1).shape);
        Assert.Equal([3L, 4], tensor([1f, 2, 3], [3, 1]).expand(3, 4).shape);
        Assert.Equal([4L, 3, 4], cat([t, t], 0).shape);
        Assert.Equal([2L, 2, 3, 4], stack([t, t], 0).shape);
        Assert.Equal([0f, 4, 8, 1, 5, 9], t.select(0, 0).transpose(0, 1).contiguous().view(12).narrow(0, 0, 6).data<float>());
    }

    [Fact]
    public void Randn_SameSeed_GivesSameNumbersAndDifferentSeedsDiffer()
    {
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        using var g3 = new Generator(8);
        using var a = randn([1000], generator: g1);
        using var b = randn([1000], generator: g2);
        using var c = randn([1000], generator: g3);

        Assert.Equal(a.data<float>(), b.data<float>());
        Assert.NotEqual(a.data<float>(), c.data<float>());
    }

    [Fact]
    public void RandnAndRand_FollowTheirDistributions()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        using var normal = randn([200_000], generator: generator);
        using var uniform = rand([200_000], generator: generator);
        var std = Math.Sqrt(normal.square().mean().item<double>() - Math.Pow(normal.mean().item<double>(), 2));

        Assert.InRange(normal.mean().item<double>(), -0.01, 0.01);
        Assert.InRange(std, 0.99, 1.01);
        Assert.True(uniform.min().item<float>() >= 0 && uniform.max().item<float>() < 1);
        Assert.InRange(uniform.mean().item<double>(), 0.495, 0.505);
    }

    [Fact]
    public void InPlaceOperations_ModifyTheTensorAndCopyConverts()
    {
        using var t = zeros([3]);
        t.add_(2).mul_(3);
        using var source = tensor([1L, 2, 3], [3]);

        Assert.Equal([6f, 6, 6], t.data<float>());
        t.copy_(source);
        Assert.Equal([1f, 2, 3], t.data<float>());
        t.zero_();
        Assert.Equal([0f, 0, 0], t.data<float>());
    }

    [Fact]
    public void Device_PreferredIsCudaOnlyWhenAvailable()
    {
        var expected = cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU;

        Assert.Equal(expected, preferred_device().type);
        Assert.Equal(new Device(DeviceType.CUDA, 1), device("cuda:1"));
        Assert.Throws<ArgumentException>(() => device("tpu"));
    }
}
