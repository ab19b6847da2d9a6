namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// Gives frames without a detected face (null) a quad: linear interpolation between the nearest frames with
/// one, held constant before the first and after the last detection (issue 5, Alignment).
/// </summary>
public static class MissingFaceFiller
{
    /// <exception cref="NoFaceFoundException">No frame has a face.</exception>
    public static IReadOnlyList<FaceQuad> Fill(IReadOnlyList<FaceQuad?> quads, double minScore)
    {
        Check.NotNull(quads);
        int[] found = Enumerable.Range(0, quads.Count).Where(i => quads[i].HasValue).ToArray();
        if (found.Length == 0)
        {
            throw new NoFaceFoundException(quads.Count, minScore);
        }

        var result = new FaceQuad[quads.Count];
        int next = 0;
        for (int i = 0; i < result.Length; i++)
        {
            while (next < found.Length && found[next] < i)
            {
                next++;
            }
            if (next < found.Length && found[next] == i)
            {
                result[i] = quads[i]!.Value;
            }
            else if (next == 0)
            {
                result[i] = quads[found[0]]!.Value;
            }
            else if (next == found.Length)
            {
                result[i] = quads[found[^1]]!.Value;
            }
            else
            {
                int a = found[next - 1], b = found[next];
                result[i] = Lerp(quads[a]!.Value, quads[b]!.Value, (double)(i - a) / (b - a));
            }
        }
        return result;
    }

    private static FaceQuad Lerp(FaceQuad a, FaceQuad b, double t) =>
        new(Point2.Lerp(a.Centre, b.Centre, t), Point2.Lerp(a.X, b.X, t), Point2.Lerp(a.Y, b.Y, t));
}
