using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Torch.Tests;

public class FunctionalTests
{
    [Fact]
    public void Interpolate_Nearest_RepeatsPixelsWhenUpscaling()
    {
        using var scope = NewDisposeScope();
        var x = tensor([1f, 2, 3, 4], [1, 1, 2, 2]);

        var y = F.interpolate(x, size: [4, 4]);

        Assert.Equal([1f, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], y.data<float>());
    }

    [Fact]
    public void Interpolate_Area_AveragesBlocks()
    {
        using var scope = NewDisposeScope();
        var x = arange(0, 16).reshape(1, 1, 4, 4);

        var y = F.interpolate(x, size: [2, 2], mode: InterpolationMode.Area);

        Assert.Equal([2.5f, 4.5f, 10.5f, 12.5f], y.data<float>());
    }

    [Fact]
    public void Interpolate_BilinearAntialias_SeesDetailThatPlainBilinearSkips()
    {
        using var scope = NewDisposeScope();
        // one bright pixel at column 0 of 8; shrinking to 2 columns, plain bilinear samples between columns 1 and 2
        var x = zeros([1, 1, 1, 8]);
        x.narrow(3, 0, 1).fill_(1);

        var plain = F.interpolate(x, size: [1, 2], mode: InterpolationMode.Bilinear, align_corners: false);
        var smooth = F.interpolate(x, size: [1, 2], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        var constant = F.interpolate(ones([1, 1, 8, 8]), size: [3, 3], mode: InterpolationMode.Bilinear, antialias: true);

        Assert.Equal([0f, 0f], plain.data<float>());
        Assert.True(smooth.data<float>()[0] > 0.05f, $"antialiased value {smooth.data<float>()[0]}");
        Assertions.Close(Enumerable.Repeat(1f, 9).ToArray(), constant.data<float>(), 1e-6);
    }

    [Fact]
    public void Interpolate_ScaleFactor_ScalesTheSize()
    {
        using var scope = NewDisposeScope();

        var y = F.interpolate(zeros([1, 3, 4, 6]), scale_factor: [0.5, 0.5], mode: InterpolationMode.Bilinear);

        Assert.Equal([1L, 3, 2, 3], y.shape);
    }

    [Fact]
    public void AffineGridAndGridSample_IdentityReproducesAndTranslationShifts()
    {
        using var scope = NewDisposeScope();
        var x = arange(1, 17).reshape(1, 1, 4, 4);
        var identity = F.affine_grid(tensor([1f, 0, 0, 0, 1, 0], [1, 2, 3]), [1, 1, 4, 4]);
        // normalised coordinates span 2 over 4 pixels: +0.5 samples one pixel to the right
        var shift = F.affine_grid(tensor([1f, 0, 0.5f, 0, 1, 0], [1, 2, 3]), [1, 1, 4, 4]);

        var same = F.grid_sample(x, identity);
        var shifted = F.grid_sample(x, shift, GridSampleMode.Nearest, GridSamplePaddingMode.Zeros);

        Assertions.Close(x.data<float>(), same.data<float>(), 1e-5);
        Assert.Equal([2f, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12, 0, 14, 15, 16, 0], shifted.data<float>());
    }

    [Fact]
    public void Conv2d_OnesKernelWithPadding_CountsNeighbours()
    {
        using var scope = NewDisposeScope();

        var y = F.conv2d(ones([1, 1, 4, 4]), ones([1, 1, 3, 3]), tensor([0.5f], [1]), padding: [1]);

        Assert.Equal([4.5f, 6.5f, 6.5f, 4.5f, 6.5f, 9.5f, 9.5f, 6.5f, 6.5f, 9.5f, 9.5f, 6.5f, 4.5f, 6.5f, 6.5f, 4.5f], y.data<float>());
    }

    [Fact]
    public void Pooling_TakesBlockMaximaAndMeans()
    {
        using var scope = NewDisposeScope();
        var x = arange(0, 16).reshape(1, 1, 4, 4);

        Assert.Equal([5f, 7, 13, 15], F.max_pool2d(x, [2]).data<float>());
        Assert.Equal([2.5f, 4.5f, 10.5f, 12.5f], F.avg_pool2d(x, [2]).data<float>());
        Assert.Equal([1L, 1, 3, 3], F.max_pool2d(x, [2], strides: [1]).shape);
    }

    [Fact]
    public void Pad_ConstantReflectAndReplicate_ExtendTheLastDimension()
    {
        using var scope = NewDisposeScope();
        var x = tensor([1f, 2, 3], [1, 1, 3]);

        Assert.Equal([9f, 9, 1, 2, 3, 9], F.pad(x, [2, 1], value: 9).data<float>());
        Assert.Equal([3f, 2, 1, 2, 3, 2], F.pad(x, [2, 1], PaddingModes.Reflect).data<float>());
        Assert.Equal([1f, 1, 1, 2, 3, 3], F.pad(x, [2, 1], PaddingModes.Replicate).data<float>());
    }

    [Fact]
    public void Losses_MatchTheirDefinitions()
    {
        using var scope = NewDisposeScope();
        var a = tensor([1f, 2, 4], [3]);
        var b = tensor([1f, 0, 1], [3]);

        Assert.Equal(13f / 3, F.mse_loss(a, b).item<float>(), 5);
        Assert.Equal(5f / 3, F.l1_loss(a, b).item<float>(), 5);
        Assert.Equal([0f, 4, 9], F.mse_loss(a, b, Reduction.None).data<float>());
        Assert.Equal(5f, F.l1_loss(a, b, Reduction.Sum).item<float>());
    }
}
