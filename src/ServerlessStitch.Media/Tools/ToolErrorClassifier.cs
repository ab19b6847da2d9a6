namespace ServerlessStitch.Media;

/// <summary>Turns what ffmpeg wrote to stderr into the most specific <see cref="MediaException"/>.</summary>
internal static class ToolErrorClassifier
{
    // A missing index (moov) or a cut-off payload is what an interrupted upload looks like.
    private static readonly string[] TruncationSigns = ["moov atom not found", "partial file", "End of file"];

    private static readonly string[] NotVideoSigns = ["Invalid data found when processing input", "could not find codec parameters"];

    // Box types an MP4/MOV file can start with.
    private static readonly HashSet<string> IsoMediaBoxTypes = new(StringComparer.Ordinal) { "ftyp", "moov", "mdat", "free", "wide", "skip", "pnot" };

    public static MediaException Classify(string input, string message, string purpose, string stderrTail, int exitCode)
    {
        // ffmpeg picks the MP4 demuxer by extension, so a text file named .mp4 also "lacks its moov atom":
        // only a file that starts like ISO media was cut short.
        if (TruncationSigns.Any(sign => stderrTail.Contains(sign, StringComparison.OrdinalIgnoreCase)) && !IsForeignToIsoMedia(input))
        {
            return new TruncatedVideoException(input, "the file is truncated or its index is missing", purpose, stderrTail);
        }

        if (NotVideoSigns.Any(sign => stderrTail.Contains(sign, StringComparison.OrdinalIgnoreCase)))
        {
            return new NotAVideoException(input, "ffmpeg cannot read it as a video", purpose, stderrTail);
        }

        return new MediaToolException(input, message, purpose, stderrTail, exitCode);
    }

    /// <summary>True when <paramref name="input"/> is a readable file that has no ISO media box header at its start.</summary>
    private static bool IsForeignToIsoMedia(string input)
    {
        if (!File.Exists(input))
        {
            return false;
        }
        Span<byte> head = stackalloc byte[8];
        using var file = File.OpenRead(input);
        int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        // A box is a 4-byte size, then its 4-byte type.
        return read < head.Length || !IsoMediaBoxTypes.Contains(System.Text.Encoding.ASCII.GetString(head[4..]));
    }
}
