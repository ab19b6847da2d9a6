using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Alignment;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Alignment;

/// <summary>Counts live native tensors, a process-wide figure, so it runs apart from the other tests.</summary>
[CollectionDefinition(nameof(CropWarperLeakTests), DisableParallelization = true)]
[Collection(nameof(CropWarperLeakTests))]
public class CropWarperLeakTests
{
    [Fact]
    public void Warp_Batch_LeaksNoTensors()
    {
        Frame frame = Synthetic.Checkerboard(64, 64);
        var quads = new[] { new FaceQuad(new(32, 32), new(8, 0), new(0, 8)), new FaceQuad(new(32, 32), new(30, 0), new(0, 30)) };
        long before = live_tensor_count();

        new CropWarper(16).Warp([frame, frame], quads).Dispose();

        Assert.Equal(before, live_tensor_count());
    }

}
