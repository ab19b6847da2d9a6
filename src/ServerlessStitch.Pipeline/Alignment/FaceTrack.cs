namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// The alignment stage's quad logic for a whole video: per-frame landmark detections → FFHQ quads → missing
/// frames filled → temporal smoothing (paper §3.1). The smoothed quads are computed once and reused by every
/// later stage, including un-alignment.
/// </summary>
public sealed class FaceTrack(AlignmentOptions options, LandmarkLayout layout)
{
    private readonly QuadSmoother smoother = new(options);
    private readonly LandmarkLayout layout = Check.NotNull(layout);

    /// <summary>
    /// <paramref name="detections"/>: per frame the landmark model's output, x, y, score per point
    /// (P × 3 floats). A frame whose mean score is below <see cref="AlignmentOptions.MinScore"/> has no face.
    /// </summary>
    /// <exception cref="NoFaceFoundException">No frame has a face.</exception>
    public IReadOnlyList<FaceQuad> Build(IReadOnlyList<float[]> detections)
    {
        Check.NotNull(detections);
        var quads = new FaceQuad?[detections.Count];
        var xy = new float[layout.Points * 2];
        for (int i = 0; i < quads.Length; i++)
        {
            float[] d = detections[i];
            if (d.Length != layout.Points * 3)
            {
                throw new ArgumentException($"Frame {i}: expected {layout.Points} landmarks × (x, y, score) = {layout.Points * 3} floats, got {d.Length}.", nameof(detections));
            }
            double score = 0;
            for (int p = 0; p < layout.Points; p++)
            {
                xy[2 * p] = d[3 * p];
                xy[(2 * p) + 1] = d[(3 * p) + 1];
                score += d[(3 * p) + 2];
            }
            if (score / layout.Points >= options.MinScore)
            {
                quads[i] = FaceQuad.FromLandmarks(xy, layout, options.Scale);
            }
        }
        return smoother.Smooth(MissingFaceFiller.Fill(quads, options.MinScore));
    }
}
