using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Pipeline.Editing;
using ServerlessStitch.Pipeline.Metrics;
using ServerlessStitch.Pipeline.Stitching;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// Edit, stitch and paste one chunk (fan-out, paper §3.3-3.5): e = G_pti(w + δw); face masks; stitching tuning of a
/// copy of G_pti per frame; the stitched crop warped back inside the dilated mask. Writes the output frames
/// (<c>stitched/NNNNNN.chunk</c>), the chunk's figures (<c>.json</c>, written last: its presence marks the chunk
/// done) and, for preview frames, their stage strips. <paramref name="threads"/> &gt; 0: the CPU threads the chunk may
/// use (a host running chunks side by side gives each its share of the cores): stitching tuning runs that many frames
/// at once, one intra-op thread each (<see cref="StitchingTuner.Tune"/>); 0 = the process-wide count, frame by frame.
/// </summary>
public sealed class StitchStage(JobBlobs blobs, ModelCatalog catalog, EditRequest request, LatentEditor editor, int threads = 0)
{
    private readonly int _resolution = catalog.Manifest.Models.Generator.Resolution;

    public async Task StitchChunkAsync(FrameRange range, IReadOnlyList<FaceQuad> track, jit.ScriptModule generator,
        IReadOnlyList<int> previewFrames, int videoFrames, IProgress<StageProgress>? progress, CancellationToken cancellationToken)
    {
        if (await blobs.ExistsAsync(blobs.Paths.StitchFigures(range.Start), cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        var frames = await blobs.ReadFramesAsync(blobs.Paths.Frames(range.Start), cancellationToken).ConfigureAwait(false);
        var aligned = await blobs.ReadFramesAsync(blobs.Paths.Aligned(range.Start), cancellationToken).ConfigureAwait(false);
        using var pivots = await blobs.ReadTensorAsync(blobs.Paths.Pivots(range.Start), cancellationToken).ConfigureAwait(false);
        FaceQuad[] quads = [.. track.Skip(range.Start).Take(range.Count)];

        var outcome = Stitch(range, frames, aligned, pivots, quads, generator, previewFrames, videoFrames, progress, cancellationToken);
        foreach (var (frame, strip) in outcome.PreviewStrips)
        {
            await blobs.WriteFramesAsync(blobs.Paths.PreviewStrip(frame), strip, cancellationToken).ConfigureAwait(false);
        }
        await blobs.WriteFramesAsync(blobs.Paths.Stitched(range.Start), outcome.Frames, cancellationToken).ConfigureAwait(false);
        await blobs.WriteJsonAsync(blobs.Paths.StitchFigures(range.Start), outcome.Figures, cancellationToken).ConfigureAwait(false);
    }

    private sealed record Outcome(IReadOnlyList<Frame> Frames, StitchFigures Figures, IReadOnlyList<(int Frame, IReadOnlyList<Frame> Strip)> PreviewStrips);

    private Outcome Stitch(FrameRange range, IReadOnlyList<Frame> frames, IReadOnlyList<Frame> aligned, Tensor pivots,
        FaceQuad[] quads, jit.ScriptModule generator, IReadOnlyList<int> previewFrames, int videoFrames, IProgress<StageProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var threadCount = threads > 0 ? thread_num_threads(threads) : null;
        using var scope = NewDisposeScope();
        Tensor crops = CropImages.FromFrames(aligned);
        Tensor editLatents = editor.Apply(pivots);
        Tensor reconstructed, edited;
        using (no_grad())
        {
            reconstructed = generator.forward(pivots).clamp(-1, 1);
            edited = generator.forward(editLatents).clamp(-1, 1);
        }
        var masks = FaceMasks.Create(catalog, FaceMaskOptions.For(catalog.Manifest) with { Source = request.MaskSource }).Compute(crops, edited);

        Tensor stitched = edited;
        double[] borderLossBefore = [], borderLossAfter = [];
        if (request.TuneStitching)
        {
            var relay = progress is null ? null : new SyncProgress<StitchingProgress>(p => progress.Report(new StageProgress(
                "stitch", range.Start + p.FirstFrame, videoFrames, p.BorderLoss, $"iteration {p.Iteration + 1}/{p.Iterations}")));
            var result = new StitchingTuner(request.Stitching).Tune(generator, editLatents, crops, masks, relay, threads, cancellationToken);
            stitched = result.Stitched;
            borderLossBefore = [.. result.Traces.Select(t => t.BorderLosses.Count > 0 ? t.BorderLosses[0] : 0)];
            borderLossAfter = [.. result.Traces.Select(t => t.FinalBorderLoss)];
        }

        var paster = new StitchedFramePaster(_resolution, request.Stitching.FeatheredPaste);
        var pasted = paster.Paste(frames, quads, stitched, masks.Full);
        var plain = request.TuneStitching ? paster.Paste(frames, quads, edited, masks.Full) : pasted;
        // The input's own aligned crop pasted the same way: what a generator matching the crop exactly would score,
        // the error the crop's resolution alone leaves (the seam tuning can remove is the error above it).
        var floor = paster.Paste(frames, quads, crops, masks.Full);
        var boundary = new BoundaryError(_resolution);
        var tunedError = new double[frames.Count];
        var plainError = new double[frames.Count];
        var floorError = new double[frames.Count];
        for (int i = 0; i < frames.Count; i++)
        {
            using var ring = masks.Border.select(0, i);
            tunedError[i] = boundary.Measure(frames[i], pasted[i], quads[i], ring);
            plainError[i] = request.TuneStitching ? boundary.Measure(frames[i], plain[i], quads[i], ring) : tunedError[i];
            floorError[i] = boundary.Measure(frames[i], floor[i], quads[i], ring);
        }

        // What the viewer gets: the output frames cropped again with the same quads, against the input crops.
        Tensor outputCrops = new CropWarper(_resolution).Warp(pasted, quads);
        var identity = new IdentitySimilarity(catalog.Get(catalog.Manifest.Models.Identity), catalog.Manifest.Models.Identity);
        Tensor inputIdentity = identity.Embed(crops);
        Tensor outputIdentity = identity.Embed(outputCrops);
        var figures = new StitchFigures(
            range.Start,
            tunedError,
            plainError,
            floorError,
            borderLossBefore,
            borderLossAfter,
            AttributeChanges(crops, outputCrops),
            identity.Cosine(outputCrops, crops),
            Rows(inputIdentity),
            Rows(outputIdentity));

        var strips = new List<(int, IReadOnlyList<Frame>)>();
        foreach (int frame in previewFrames.Where(f => f >= range.Start && f < range.End))
        {
            int i = frame - range.Start;
            strips.Add((frame, PreviewStrip(frame, crops, pivots, reconstructed, edited, stitched, i)));
        }
        return new Outcome(pasted, figures, strips);
    }

    /// <summary>Per attribute an edit names: mean change of its score (in units of its range) from input to output crops.</summary>
    private Dictionary<string, double> AttributeChanges(Tensor inputCrops, Tensor outputCrops)
    {
        var changes = new Dictionary<string, double>(StringComparer.Ordinal);
        if (catalog.Manifest.Models.Attributes is not { } contract)
        {
            return changes;
        }
        var scorer = new AttributeScorer(catalog.Get(contract), contract);
        foreach (var edit in editor.Edits)
        {
            string? attribute = catalog.Manifest.Directions.TryGetValue(edit.Name, out var entry) ? entry.Attribute ?? edit.Name : null;
            if (attribute is not null && contract.Names.Contains(attribute))
            {
                changes[attribute] = scorer.Change(inputCrops, outputCrops, attribute);
            }
        }
        return changes;
    }

    /// <summary>The paper's Figure 2 for one frame: aligned crop, encoder inversion, + PTI, + edit, + stitching tuning.</summary>
    private IReadOnlyList<Frame> PreviewStrip(int frame, Tensor crops, Tensor pivots, Tensor reconstructed, Tensor edited, Tensor stitched, int i)
    {
        Tensor inversion;
        using (no_grad())
        {
            inversion = catalog.Get(catalog.Manifest.Models.Generator).forward(pivots.narrow(0, i, 1)).clamp(-1, 1);
        }
        Tensor[] stages = [crops.narrow(0, i, 1), inversion, reconstructed.narrow(0, i, 1), edited.narrow(0, i, 1), stitched.narrow(0, i, 1)];
        return [.. stages.Select(s => CropImages.ToFrames(s, frame)[0])];
    }

    private static float[][] Rows(Tensor matrix)
    {
        using var cpu = matrix.detach().cpu().contiguous();
        float[] values = cpu.data<float>();
        int width = (int)cpu.shape[1];
        return [.. Enumerable.Range(0, (int)cpu.shape[0]).Select(r => values.AsSpan(r * width, width).ToArray())];
    }
}

/// <summary>
/// <c>stitched/NNNNNN.json</c>, per frame of one chunk: boundary error (mean L1 in levels over the boundary ring, full
/// frame) with stitching tuning, with the plain mask paste, and of the input's own aligned crop pasted alike (the
/// crop resolution's floor), stitching's border loss at its first and last
/// iteration, attribute score changes input → output, identity cosine output vs input, and both identity
/// embeddings (the fan-in computes TL-ID and TG-ID over the whole video from them).
/// </summary>
public sealed record StitchFigures(
    int FirstFrame,
    double[] BoundaryErrorTuned,
    double[] BoundaryErrorPlain,
    double[] BoundaryErrorFloor,
    double[] BorderLossFirst,
    double[] BorderLossLast,
    IReadOnlyDictionary<string, double> AttributeChange,
    double[] IdentityCosine,
    float[][] InputIdentity,
    float[][] OutputIdentity);
