namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>No frame of the video has a face the landmark model is confident about, so nothing can be aligned.</summary>
public sealed class NoFaceFoundException : Exception
{
    public NoFaceFoundException(int frameCount, double minScore)
        : base($"No face found in any of the video's {frameCount} frames (landmark score below {minScore} everywhere). " +
               "Use a video where one face is visible in at least one frame.")
    {
        FrameCount = frameCount;
        MinScore = minScore;
    }

    public NoFaceFoundException()
    {
    }

    public NoFaceFoundException(string message)
        : base(message)
    {
    }

    public NoFaceFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int FrameCount { get; }

    public double MinScore { get; }
}
