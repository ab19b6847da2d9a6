using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Stitching;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Stitching;

/// <summary>Counts live native tensors and modules, process-wide figures, so it runs apart from the other tests.</summary>
[CollectionDefinition(nameof(StitchingLeakTests), DisableParallelization = true)]
[Collection(nameof(StitchingLeakTests))]
public class StitchingLeakTests
{
    [Fact]
    public async Task MasksTunePasteMeasure_LeaveNoTensorsOrModules()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        FaceMasks faceMasks = FaceMasks.Create(data.Catalog);
        var paster = new StitchedFramePaster(data.Resolution, feathered: true);
        long tensors = live_tensor_count(), modules = live_module_count();

        using (Tensor crops = data.Crops.narrow(0, 0, 2))
        using (Tensor latents = data.EditLatents.narrow(0, 0, 2))
        using (StitchingMasks masks = faceMasks.Compute(crops))
        using (StitchingResult result = new StitchingTuner(new StitchingOptions { Iterations = 3, FramesPerGenerator = 1, EarlyStopBorderLoss = 1e-9 })
            .Tune(data.Generator, latents, crops, masks))
        {
            IReadOnlyList<Frame> pasted = paster.Paste(data.Frames[..2], data.Quads[..2], result.Stitched, masks.Full);
            using Tensor border = masks.Border.narrow(0, 0, 1);
            _ = new BoundaryError(data.Resolution).Measure(data.Frames[0], pasted[0], data.Quads[0], border);
        }

        Assert.Equal(tensors, live_tensor_count());
        Assert.Equal(modules, live_module_count());
    }
}
