namespace ServerlessStitch.Media;

/// <summary>Turns what ffmpeg wrote to stderr into the most specific <see cref="MediaException"/>.</summary>
internal static class ToolErrorClassifier
{
    // A missing index (moov) or a cut-off payload is what an interrupted upload looks like.
    private static readonly string[] TruncationSigns = ["moov atom not found", "partial file", "End of file"];

    private static readonly string[] NotVideoSigns = ["Invalid data found when processing input", "could not find codec parameters"];

    public static MediaException Classify(string input, string message, string purpose, string stderrTail, int exitCode)
    {
        if (TruncationSigns.Any(sign => stderrTail.Contains(sign, StringComparison.OrdinalIgnoreCase)))
        {
            return new TruncatedVideoException(input, "the file is truncated or its index is missing", purpose, stderrTail);
        }

        if (NotVideoSigns.Any(sign => stderrTail.Contains(sign, StringComparison.OrdinalIgnoreCase)))
        {
            return new NotAVideoException(input, "ffmpeg cannot read it as a video", purpose, stderrTail);
        }

        return new MediaToolException(input, message, purpose, stderrTail, exitCode);
    }
}
