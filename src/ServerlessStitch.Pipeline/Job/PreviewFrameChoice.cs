namespace ServerlessStitch.Pipeline.Job;

/// <summary>Which frames <c>preview.png</c> shows: the request's, or the first, middle and last.</summary>
public static class PreviewFrameChoice
{
    /// <exception cref="ArgumentException">A requested frame is outside the video.</exception>
    public static IReadOnlyList<int> For(EditRequest request, int frameCount)
    {
        Check.NotNull(request);
        if (request.PreviewFrames.Count == 0)
        {
            return [.. new[] { 0, frameCount / 2, frameCount - 1 }.Distinct()];
        }
        foreach (int frame in request.PreviewFrames.Where(f => f < 0 || f >= frameCount))
        {
            throw new ArgumentException($"Preview frame {frame} is outside the video's {frameCount} frames.");
        }
        return [.. request.PreviewFrames.Distinct().Order()];
    }
}
