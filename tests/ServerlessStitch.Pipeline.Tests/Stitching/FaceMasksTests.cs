using ServerlessStitch.Pipeline.Stitching;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Stitching;

[Collection(StitchingTestGroup.Name)]
public class FaceMasksTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Compute_CalmCrops_MasksNonEmptyNestedAndDisjoint()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        FaceMasks faceMasks = FaceMasks.Create(data.Catalog);
        using var scope = NewDisposeScope();

        Tensor face = faceMasks.Foreground(data.Crops);
        using StitchingMasks masks = faceMasks.Compute(data.Crops);

        int r = data.Resolution;
        Assert.Equal([CalmStitchingData.FrameCount, 1, r, r], masks.Full.shape);
        double pixels = CalmStitchingData.FrameCount * r * r;
        double faceArea = face.sum().item<float>() / pixels, fullArea = masks.Full.sum().item<float>() / pixels;
        double borderArea = masks.Border.sum().item<float>() / pixels, contentArea = masks.Content.sum().item<float>() / pixels;
        output.WriteLine($"calm crops ({r}x{r}, segmenter {data.Manifest.Models.Segmenter.InputResolution}): face {faceArea:P1}, " +
                         $"full {fullArea:P1}, border {borderArea:P1}, content {contentArea:P1} of the crop; " +
                         $"dilation {faceMasks.Options.DilationAt(r)} px, edge band {faceMasks.Options.EdgeBandAt(r)} px");
        Assert.InRange(faceArea, 0.2, 0.9);
        Assert.True(fullArea > faceArea, "dilation added nothing");
        Assert.True(borderArea > 0.02 && contentArea > 0.1, "border or content empty");
        // full ⊇ face ⊇ content; border and content never overlap; border lies inside full.
        Assert.Equal(0, (face - masks.Full).clamp_min(0).sum().item<float>());
        Assert.Equal(0, (masks.Content - face).clamp_min(0).sum().item<float>());
        Assert.Equal(0, (masks.Border - masks.Full).clamp_min(0).sum().item<float>());
        Assert.Equal(0, (masks.Border * masks.Content).sum().item<float>());
        // The ring: everywhere the dilation added is border.
        Assert.Equal(0, ((masks.Full - face) - masks.Border).clamp_min(0).sum().item<float>());
    }

    [Fact]
    public async Task Compute_Batch_EqualsOneFrameAtATime()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        FaceMasks faceMasks = FaceMasks.Create(data.Catalog);
        using var scope = NewDisposeScope();

        using StitchingMasks batch = faceMasks.Compute(data.Crops);
        using StitchingMasks single = faceMasks.Compute(data.Crops.narrow(0, 2, 1));

        Assert.Equal(single.Full.data<float>(), batch.Full.narrow(0, 2, 1).contiguous().data<float>());
        Assert.Equal(single.Border.data<float>(), batch.Border.narrow(0, 2, 1).contiguous().data<float>());
    }

    [Fact]
    public async Task Compute_EditedSourceOption_SegmentsTheEditedCrop()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        var options = FaceMaskOptions.For(data.Manifest) with { Source = MaskSource.Edited };
        FaceMasks fromEdit = FaceMasks.Create(data.Catalog, options);
        using var scope = NewDisposeScope();
        Tensor originals = data.Crops.narrow(0, 0, 1), edits = data.Edited.narrow(0, 0, 1);

        using StitchingMasks chosen = fromEdit.Compute(originals, edits);
        using StitchingMasks direct = fromEdit.Compute(edits);

        Assert.Equal(direct.Full.data<float>(), chosen.Full.data<float>());
    }

    [Fact]
    public void FromForeground_FaceTouchingCropEdge_EdgeBandIsBorderNotContent()
    {
        // A 64x64 face square reaching the left edge: columns 0..31, rows 16..47.
        var values = new float[64 * 64];
        for (int y = 16; y < 48; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                values[(y * 64) + x] = 1;
            }
        }
        using var scope = NewDisposeScope();
        Tensor face = tensor(values, [1, 1, 64, 64]);
        var options = new FaceMaskOptions { FaceClasses = [1] };

        using StitchingMasks masks = FaceMasks.FromForeground(face, options, 64);

        float[] border = masks.Border.data<float>(), content = masks.Content.data<float>(), full = masks.Full.data<float>();
        int band = options.EdgeBandAt(64), half = options.DilationAt(64) / 2;
        Assert.Equal(3, band);
        Assert.Equal(7, options.DilationAt(64));
        Assert.Equal(51, options.DilationAt(512));
        Assert.Equal(25, options.EdgeBandAt(512));
        // Face within the band along the left edge: border, not content.
        Assert.Equal(1f, border[(30 * 64) + 1]);
        Assert.Equal(0f, content[(30 * 64) + 1]);
        // Face away from every edge: content, not border.
        Assert.Equal(1f, content[(30 * 64) + 10]);
        Assert.Equal(0f, border[(30 * 64) + 10]);
        // The dilation ring right of the face: full and border; beyond it: nothing.
        Assert.Equal(1f, full[(30 * 64) + 31 + half]);
        Assert.Equal(1f, border[(30 * 64) + 31 + half]);
        Assert.Equal(0f, full[(30 * 64) + 32 + half]);
        // Band pixels without face are not border unless the dilation reaches them (top edge, far from the face).
        Assert.Equal(0f, border[(1 * 64) + 50]);
    }

    [Fact]
    public void FromForeground_LowerResolutionSegmentation_ResizedToCropResolution()
    {
        using var scope = NewDisposeScope();
        Tensor face = zeros([2, 1, 32, 32]);
        face.narrow(2, 8, 16).narrow(3, 8, 16).fill_(1);
        var options = new FaceMaskOptions { FaceClasses = [1] };

        using StitchingMasks masks = FaceMasks.FromForeground(face, options, 64);

        Assert.Equal([2, 1, 64, 64], masks.Full.shape);
        Assert.Equal([2, 1, 64, 64], masks.Content.shape);
        Assert.InRange(masks.Full.max().item<float>(), 0.99f, 1f);
        Assert.True(masks.Content.sum().item<float>() > 2 * 16 * 16 * 4 * 0.5);
    }

    [Fact]
    public async Task Create_FaceClassOutsideSegmenter_ThrowsNamingClasses()
    {
        CalmStitchingData data = await CalmStitchingData.GetAsync();
        var options = new FaceMaskOptions { FaceClasses = [1, 99] };

        var ex = Assert.Throws<ArgumentException>(() => FaceMasks.Create(data.Catalog, options));
        Assert.Contains("99", ex.Message, StringComparison.Ordinal);
    }
}
