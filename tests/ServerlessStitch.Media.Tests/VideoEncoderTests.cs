namespace ServerlessStitch.Media.Tests;

[Collection(SharedClips.Name)]
public sealed class VideoEncoderTests(TestClips clips)
{
    private static readonly EncodeOptions Fast = new() { Preset = "ultrafast", Crf = 12 };

    [Theory]
    [InlineData(nameof(TestClips.CountedNtscWithAudio), 30000, 1001, 64, 48, "yuv420p")]
    [InlineData(nameof(TestClips.OddSizeNoAudio), 25, 1, 321, 241, "yuv444p")]
    [InlineData(nameof(TestClips.MatroskaWithPcm), 25, 1, 64, 48, "yuv420p")]
    public async Task EncodeAsync_RoundTrip_KeepsFrameCountRateSizeAndAudio(string clip, long rateNum, long rateDen, int width, int height, string pixelFormat)
    {
        var path = Clip(clip);
        var probe = new VideoProbe();
        var source = await probe.ProbeAsync(path);
        var output = clips.NewPath("roundtrip.mp4");

        var result = await new VideoEncoder().EncodeAsync(
            EncodeRequest.Matching(source, output) with { Options = Fast },
            new VideoDecoder().DecodeAsync(source, new FrameRange(0, source.FrameCount)));
        var encoded = await probe.ProbeAsync(output);

        Assert.Equal(source.FrameCount, result.FrameCount);
        Assert.Equal(source.FrameCount, encoded.FrameCount);
        Assert.Equal(new Rational(rateNum, rateDen), encoded.FrameRate);
        Assert.False(encoded.IsVariableFrameRate);
        Assert.Equal((width, height), (encoded.Width, encoded.Height));
        Assert.Equal(pixelFormat, result.PixelFormat);
        Assert.Equal(pixelFormat, encoded.PixelFormat);
        Assert.Equal(source.AudioStreams.Count, encoded.AudioStreams.Count);
        foreach (var (before, after) in source.AudioStreams.Zip(encoded.AudioStreams))
        {
            Assert.Equal("aac", after.Codec); // AAC copied as is, PCM re-encoded to AAC
            Assert.Equal(before.SampleRate, after.SampleRate);
            Assert.InRange((after.Duration - before.Duration)!.Value.Duration().TotalSeconds, 0, 0.05);
        }
    }

    [Fact]
    public async Task EncodeAsync_AacSource_CopiesAudio()
    {
        var source = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);

        var result = await EncodeWhole(source, clips.NewPath("copy.mp4"));

        Assert.True(Assert.Single(result.Audio).Copied);
    }

    [Fact]
    public async Task EncodeAsync_PcmSource_ReencodesAudioToAac()
    {
        var source = await new VideoProbe().ProbeAsync(clips.MatroskaWithPcm);

        var result = await EncodeWhole(source, clips.NewPath("pcm.mp4"));
        var encoded = await new VideoProbe().ProbeAsync(result.OutputPath);

        var audio = Assert.Single(result.Audio);
        Assert.False(audio.Copied);
        Assert.Equal("pcm_s16le", audio.SourceCodec);
        Assert.Equal("aac", Assert.Single(encoded.AudioStreams).Codec);
    }

    [Fact]
    public async Task EncodeAsync_RoundTrip_KeepsColoursAndFrameOrder()
    {
        var source = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);
        var original = await VideoDecoderTests.Decode(source, new FrameRange(0, source.FrameCount));
        var result = await EncodeWhole(source, clips.NewPath("colours.mp4"));

        var encoded = await new VideoProbe().ProbeAsync(result.OutputPath);
        var decoded = await VideoDecoderTests.Decode(encoded, new FrameRange(0, encoded.FrameCount));

        Assert.Equal(original.Select(TestClips.CountedIndex), decoded.Select(TestClips.CountedIndex));
        // The BT.709 conversion written by the encoder is the one the decoder reads back.
        var meanError = original.Zip(decoded).Average(pair => pair.First.Pixels.Zip(pair.Second.Pixels).Average(p => Math.Abs(p.First - p.Second)));
        Assert.InRange(meanError, 0, 2.0);
    }

    [Fact]
    public async Task EncodeAsync_WrongFrameCount_FailsAndWritesNothing()
    {
        var source = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);
        var output = clips.NewPath("short.mp4");

        var error = await Assert.ThrowsAsync<MediaException>(() => new VideoEncoder().EncodeAsync(
            EncodeRequest.Matching(source, output) with { Options = Fast },
            new VideoDecoder().DecodeAsync(source, new FrameRange(0, 30))));

        Assert.Contains("given 30 frames but 40 were expected", error.Message, StringComparison.Ordinal);
        AssertNothingWritten(output);
    }

    [Fact]
    public async Task EncodeAsync_NoFrames_FailsAndWritesNothing()
    {
        var output = clips.NewPath("empty.mp4");

        var error = await Assert.ThrowsAsync<MediaException>(() => new VideoEncoder().EncodeAsync(
            new EncodeRequest(output, 64, 48, new Rational(25, 1)), AsyncEnumerable.Empty<Frame>()));

        Assert.Contains("no frames", error.Message, StringComparison.Ordinal);
        AssertNothingWritten(output);
    }

    [Fact]
    public async Task EncodeAsync_Cancelled_KillsFfmpegAndWritesNothing()
    {
        var source = await new VideoProbe().ProbeAsync(clips.Longer);
        var output = clips.NewPath("cancelled.mp4");
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new VideoEncoder().EncodeAsync(
            EncodeRequest.Matching(source, output),
            CancelAfter(new VideoDecoder().DecodeAsync(source, new FrameRange(0, source.FrameCount)), 20, cancellation),
            cancellation.Token));

        Assert.Empty(ChildProcesses.Named("ffmpeg"));
        AssertNothingWritten(output);
    }

    [Fact]
    public async Task EncodeAsync_FfmpegRejectsOptions_ThrowsWithPurposeAndStderr()
    {
        var source = await new VideoProbe().ProbeAsync(clips.OddSizeNoAudio);
        var output = clips.NewPath("bad-preset.mp4");

        var error = await Assert.ThrowsAsync<MediaToolException>(() => new VideoEncoder().EncodeAsync(
            EncodeRequest.Matching(source, output) with { Options = new EncodeOptions { Preset = "no-such-preset" } },
            new VideoDecoder().DecodeAsync(source, new FrameRange(0, source.FrameCount))));

        Assert.StartsWith("encode 321x241 at 25/1 fps", error.Purpose, StringComparison.Ordinal);
        Assert.Contains("preset", error.ToolOutput, StringComparison.OrdinalIgnoreCase);
        AssertNothingWritten(output);
    }

    [Fact]
    public async Task EncodeAsync_RoundTrip_NeverModifiesTheInput()
    {
        var before = TestClips.Sha256(clips.MatroskaWithPcm);
        var source = await new VideoProbe().ProbeAsync(clips.MatroskaWithPcm);

        await EncodeWhole(source, clips.NewPath("untouched.mp4"));

        Assert.Equal(before, TestClips.Sha256(clips.MatroskaWithPcm));
    }

    [Fact]
    public async Task SideBySideEncoder_EncodeAsync_PutsOriginalLeftAndEditRight()
    {
        var source = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);
        var decoder = new VideoDecoder();
        var output = clips.NewPath("compare.mp4");

        var result = await new SideBySideEncoder(new VideoEncoder()).EncodeAsync(
            EncodeRequest.Matching(source, output) with { Options = Fast },
            decoder.DecodeAsync(source, new FrameRange(0, source.FrameCount)),
            Inverted(decoder.DecodeAsync(source, new FrameRange(0, source.FrameCount))));
        var encoded = await new VideoProbe().ProbeAsync(output);
        var frame = (await VideoDecoderTests.Decode(encoded, new FrameRange(12, 13)))[0];

        Assert.Equal(40, result.FrameCount);
        Assert.Equal((128, 48), (encoded.Width, encoded.Height));
        // Left half shows grey 16 + 6*12 = 88, the inverted right half 255 - 88 = 167.
        Assert.InRange(MeanRed(frame, 0, 64), 85, 91);
        Assert.InRange(MeanRed(frame, 64, 128), 164, 170);
    }

    private string Clip(string name) => (string)typeof(TestClips).GetProperty(name)!.GetValue(clips)!;

    private static Task<EncodeResult> EncodeWhole(VideoInfo source, string output)
        => new VideoEncoder().EncodeAsync(
            EncodeRequest.Matching(source, output) with { Options = Fast },
            new VideoDecoder().DecodeAsync(source, new FrameRange(0, source.FrameCount)));

    private void AssertNothingWritten(string output)
    {
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.EnumerateFiles(clips.Folder, Path.GetFileName(output) + "*"));
    }

    private static async IAsyncEnumerable<Frame> CancelAfter(IAsyncEnumerable<Frame> frames, int count, CancellationTokenSource cancellation)
    {
        var given = 0;
        await foreach (var frame in frames)
        {
            if (given++ == count)
            {
                await cancellation.CancelAsync();
            }

            yield return frame;
        }
    }

    private static async IAsyncEnumerable<Frame> Inverted(IAsyncEnumerable<Frame> frames)
    {
        await foreach (var frame in frames)
        {
            yield return Frame.Rgb(frame.Index, frame.Width, frame.Height, frame.Pixels.Select(p => (byte)(255 - p)).ToArray());
        }
    }

    private static double MeanRed(Frame frame, int fromX, int toX)
    {
        long sum = 0;
        for (var y = 0; y < frame.Height; y++)
        {
            for (var x = fromX; x < toX; x++)
            {
                sum += frame.Pixels[((y * frame.Width) + x) * 3];
            }
        }

        return sum / (double)(frame.Height * (toX - fromX));
    }
}
