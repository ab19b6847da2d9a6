using System.Diagnostics;
using System.Security.Cryptography;

namespace ServerlessStitch.Media.Tests;

/// <summary>
/// Makes tiny clips with ffmpeg's lavfi sources once per test run, in a temporary folder.
/// The "counted" clips paint frame n flat grey 16 + 6n, so a decoded frame tells which frame it
/// is; grey survives the YUV round trips within a level or two, far inside the step of 6.
/// </summary>
public sealed class TestClips : IDisposable
{
    public const int CountedFrames = 40;

    private readonly Lock gate = new();
    private readonly Dictionary<string, string> made = [];

    public string Folder { get; } = Directory.CreateTempSubdirectory("media-tests-").FullName;

    /// <summary>40 frames at 30000/1001, 64x48, keyframe every 10 frames with B-frames, 1.5 s of AAC sine.</summary>
    public string CountedNtscWithAudio => Make("counted-ntsc.mp4",
        "-f", "lavfi", "-i", CountedSource("64x48", "30000/1001"),
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1.5",
        "-map", "0:v", "-map", "1:a", "-frames:v", "40", "-c:v", "libx264", "-crf", "10", "-g", "10", "-bf", "2", "-pix_fmt", "yuv420p", "-c:a", "aac");

    /// <summary>30 frames at 25 fps, 321x241 (odd), no audio.</summary>
    public string OddSizeNoAudio => Make("odd.mp4",
        "-f", "lavfi", "-i", "testsrc2=size=322x242:rate=25", "-vf", "format=rgb24,crop=321:241",
        "-frames:v", "30", "-c:v", "libx264", "-crf", "10", "-pix_fmt", "yuv444p");

    /// <summary>30 frames at 25 fps in Matroska, which stores no frame count, with PCM audio MP4 cannot hold.</summary>
    public string MatroskaWithPcm => Make("pcm.mkv",
        "-f", "lavfi", "-i", CountedSource("64x48", "25"),
        "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=44100:duration=1.2",
        "-map", "0:v", "-map", "1:a", "-frames:v", "30", "-c:v", "libx264", "-crf", "10", "-g", "8", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le");

    /// <summary>The counted 25 fps clip stream-copied with a 90° display rotation.</summary>
    public string Rotated => Make("rotated.mp4", "-i", Unrotated, "-c", "copy", "-metadata:s:v:0", "rotate=90");

    /// <summary>The rotation source: 25 frames, 64x48, no rotation.</summary>
    public string Unrotated => Make("unrotated.mp4",
        "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "25", "-c:v", "libx264", "-crf", "10", "-pix_fmt", "yuv420p");

    /// <summary>45 source frames at 30 fps with every third dropped: 30 frames whose intervals alternate 1/30 and 2/30 s.</summary>
    public string VariableRate => Make("vfr.mp4",
        "-f", "lavfi", "-i", CountedSource("64x48", "30"), "-vf", "select='not(eq(mod(n\\,3)\\,2))'",
        "-frames:v", "30", "-fps_mode", "vfr", "-c:v", "libx264", "-crf", "10", "-pix_fmt", "yuv420p");

    /// <summary>A video stream header and one second of audio, but no video frames.</summary>
    public string ZeroFrames => Make("zero.avi",
        "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=1", "-f", "lavfi", "-i", "sine=duration=1",
        "-vf", "trim=end_frame=0", "-c:v", "rawvideo", "-c:a", "pcm_s16le");

    /// <summary>Audio only.</summary>
    public string AudioOnly => Make("audio.m4a", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac");

    /// <summary>A 6 s, 160x120 clip, long enough that a cancelled decode or encode is still running.</summary>
    public string Longer => Make("longer.mp4",
        "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-frames:v", "150", "-c:v", "libx264", "-crf", "20", "-pix_fmt", "yuv420p");

    /// <summary>A text file.</summary>
    public string TextFile => MakeFile("notes.txt", path => File.WriteAllText(path, "this is not a video\n"));

    /// <summary>The counted clip without its index: the first half of a file whose moov atom sits at the end.</summary>
    public string TruncatedIndex => MakeFile("truncated-index.mp4", path => CopyPrefix(CountedNtscWithAudio, path, 0.5));

    /// <summary>A faststart file (index first) cut in the middle of its media data.</summary>
    public string TruncatedData => MakeFile("truncated-data.mp4", path =>
    {
        var whole = Make("faststart.mp4", "-i", Longer, "-c", "copy", "-movflags", "+faststart");
        CopyPrefix(whole, path, 0.5);
    });

    public static string CountedSource(string size, string rate)
        => $"color=c=black:size={size}:rate={rate},format=gray,geq=lum='16+6*N'";

    /// <summary>Which counted frame a decoded frame shows, from its mean red (equal to the grey level).</summary>
    public static int CountedIndex(Frame frame)
    {
        long red = 0;
        for (var i = 0; i < frame.Pixels.Length; i += 3)
        {
            red += frame.Pixels[i];
        }

        return (int)Math.Round(((red / (frame.Pixels.Length / 3.0)) - 16) / 6.0);
    }

    public static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    public string NewPath(string name) => Path.Combine(Folder, $"{Guid.NewGuid():N}-{name}");

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private string Make(string name, params string[] arguments) => MakeFile(name, path =>
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-nostdin", "-v", "error", "-y", .. arguments, path])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"making test clip {name} failed: {errors}");
        }
    });

    private string MakeFile(string name, Action<string> create)
    {
        lock (gate)
        {
            if (!made.TryGetValue(name, out var path))
            {
                path = Path.Combine(Folder, name);
                create(path);
                made[name] = path;
            }

            return path;
        }
    }

    private static void CopyPrefix(string source, string destination, double fraction)
    {
        var bytes = File.ReadAllBytes(source);
        File.WriteAllBytes(destination, bytes.AsSpan(0, (int)(bytes.Length * fraction)).ToArray());
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClips : ICollectionFixture<TestClips>
{
    public const string Name = "clips";
}
