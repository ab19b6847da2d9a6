namespace ServerlessStitch.Media;

/// <summary>
/// Decides per audio stream whether MP4 can carry it as is. Copying keeps the original sound
/// bit for bit; only codecs MP4 cannot hold (PCM, Vorbis, FLAC...) are re-encoded to AAC.
/// </summary>
internal static class AudioPlan
{
    private static readonly HashSet<string> Mp4Audio = new(StringComparer.OrdinalIgnoreCase) { "aac", "mp3", "ac3", "eac3", "alac", "opus" };

    public static IReadOnlyList<AudioHandling> For(VideoInfo? source)
        => source is null
            ? []
            : source.AudioStreams.Select(stream => new AudioHandling(stream.Index, stream.Codec, Mp4Audio.Contains(stream.Codec))).ToList();
}
