using ServerlessStitch.Pipeline.Inversion;
using ServerlessStitch.Pipeline.Stitching;
using ServerlessStitch.Pipeline.Tuning;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>Where the pivots come from: the encoder (the paper) or per-frame optimisation (Figure 8's ablation).</summary>
public enum PivotSource
{
    Encoder,
    Optimization,
}

/// <summary>
/// What a user asks of one job: the edits and every knob of the method, defaults as the paper and its reference
/// code. It is stored as <c>job.json</c> and, with the input's hash, determines the job id, so it is plain data.
/// </summary>
public sealed record EditRequest
{
    /// <summary>Edits as <c>NAME[=STEP]</c> (a manifest direction; no step = its default) or <c>PATH.npy=STEP</c>.</summary>
    public required IReadOnlyList<string> Edits { get; init; }

    /// <summary>Frames per chunk for the fanned-out stages; bounds memory, not results.</summary>
    public int ChunkSize { get; init; } = 16;

    /// <summary>Temporal smoothing of the crop quads (paper §3.1): centres and axes, in frames; 0 disables.</summary>
    public double CentreSigma { get; init; } = 1.0;
    public double AxesSigma { get; init; } = 3.0;

    public PivotSource Pivots { get; init; } = PivotSource.Encoder;
    public OptimizationInverterOptions OptimizationPivots { get; init; } = new();

    /// <summary>PTI on all frames jointly; off = the pretrained generator (Figure 8's "no PTI").</summary>
    public bool TuneGenerator { get; init; } = true;
    public PtiOptions Pti { get; init; } = new();

    /// <summary>Per-frame stitching tuning; off = the edit pasted inside the dilated mask (Figure 8's "no stitching tuning").</summary>
    public bool TuneStitching { get; init; } = true;
    public StitchingOptions Stitching { get; init; } = new();
    public MaskSource MaskSource { get; init; } = MaskSource.Original;

    /// <summary>Frames shown in <c>preview.png</c>; empty = first, middle and last.</summary>
    public IReadOnlyList<int> PreviewFrames { get; init; } = [];

    /// <summary>Refuses a request whose knobs are out of range, naming the field, before any work starts.</summary>
    public void Validate()
    {
        if (Edits is null || Edits.Count == 0)
        {
            throw new ArgumentException("An edit request needs at least one edit (e.g. smile=1.5).");
        }
        Check.Positive(ChunkSize);
        Check.NotNegative(CentreSigma);
        Check.NotNegative(AxesSigma);
        Pti.Validate();
        Stitching.Validate();
    }
}
