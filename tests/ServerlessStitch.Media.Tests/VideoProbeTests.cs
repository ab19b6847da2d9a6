namespace ServerlessStitch.Media.Tests;

[Collection(SharedClips.Name)]
public sealed class VideoProbeTests(TestClips clips)
{
    // A tool path that cannot start: a probe that tried to decode with it would fail differently.
    private static readonly MediaTools NoFfmpeg = new() { FfmpegPath = "/nonexistent/ffmpeg" };

    [Fact]
    public async Task ProbeAsync_NtscClip_ReportsExactFigures()
    {
        var info = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);

        Assert.Equal(new Rational(30000, 1001), info.FrameRate);
        Assert.False(info.IsVariableFrameRate);
        Assert.Equal(40, info.FrameCount);
        Assert.Equal((64, 48), (info.Width, info.Height));
        Assert.Equal(0, info.Rotation);
        Assert.Equal("yuv420p", info.PixelFormat);
        Assert.Equal("h264", info.VideoCodec);
        Assert.InRange(info.Duration.TotalSeconds, 1.33, 1.51);
        var audio = Assert.Single(info.AudioStreams);
        Assert.Equal(("aac", 48000, 1), (audio.Codec, audio.SampleRate, audio.Channels));
    }

    [Fact]
    public async Task ProbeAsync_MatroskaWithoutFrameCount_CountsPackets()
    {
        var info = await new VideoProbe().ProbeAsync(clips.MatroskaWithPcm);

        Assert.Equal(30, info.FrameCount);
        Assert.Equal(new Rational(25, 1), info.FrameRate);
        Assert.False(info.IsVariableFrameRate);
        Assert.Equal("pcm_s16le", Assert.Single(info.AudioStreams).Codec);
    }

    [Fact]
    public async Task ProbeAsync_NoAudio_ReportsNoAudioStreams()
    {
        var info = await new VideoProbe().ProbeAsync(clips.OddSizeNoAudio);

        Assert.False(info.HasAudio);
        Assert.Equal((321, 241), (info.Width, info.Height));
        Assert.Equal(30, info.FrameCount);
    }

    [Fact]
    public async Task ProbeAsync_RotatedClip_ReportsUprightSize()
    {
        var info = await new VideoProbe().ProbeAsync(clips.Rotated);

        Assert.Equal(90, info.Rotation);
        Assert.Equal((64, 48), (info.CodedWidth, info.CodedHeight));
        Assert.Equal((48, 64), (info.Width, info.Height));
    }

    [Fact]
    public async Task ProbeAsync_VariableRate_FlagsItAndCountsNormalisedFrames()
    {
        var info = await new VideoProbe().ProbeAsync(clips.VariableRate);

        Assert.True(info.IsVariableFrameRate);
        Assert.Equal(new Rational(30, 1), info.StreamFrameRate);
        Assert.Equal(info.AverageFrameRate, info.FrameRate);
        // 30 frames spread over 44/30 s: the average rate is 30 / (44/30) = 225/11 fps.
        Assert.Equal(new Rational(225, 11), info.FrameRate);
        Assert.Equal(30, info.FrameCount);
    }

    [Fact]
    public async Task ProbeAsync_TextFile_ThrowsNotAVideoNamingTheFile()
    {
        var error = await Assert.ThrowsAsync<NotAVideoException>(() => new VideoProbe().ProbeAsync(clips.TextFile));

        Assert.Equal(clips.TextFile, error.Input);
        Assert.Contains("notes.txt", error.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid data", error.ToolOutput, StringComparison.Ordinal);
        Assert.Equal("read the stream headers", error.Purpose);
    }

    [Fact]
    public async Task ProbeAsync_TextFileNamedMp4_ThrowsNotAVideoNotTruncated()
    {
        // ffmpeg's MP4 demuxer (chosen by the extension) reports a missing moov atom for any non-MP4 bytes.
        var path = clips.NewPath("notes.mp4");
        await File.WriteAllTextAsync(path, "this is not a video\n");

        var error = await Assert.ThrowsAsync<NotAVideoException>(() => new VideoProbe().ProbeAsync(path));

        Assert.Contains("moov atom not found", error.ToolOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_StillImage_ThrowsNotAVideo()
    {
        var image = clips.NewPath("still.png");
        await PngWriter.WriteFileAsync(image, Frame.Rgb(0, 4, 2, new byte[24]));

        var error = await Assert.ThrowsAsync<NotAVideoException>(() => new VideoProbe().ProbeAsync(image));

        Assert.Contains("still image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_AudioOnly_ThrowsNotAVideo()
    {
        var error = await Assert.ThrowsAsync<NotAVideoException>(() => new VideoProbe().ProbeAsync(clips.AudioOnly));

        Assert.Contains("no video stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_MissingIndex_ThrowsTruncated()
    {
        var error = await Assert.ThrowsAsync<TruncatedVideoException>(() => new VideoProbe().ProbeAsync(clips.TruncatedIndex));

        Assert.Contains("moov atom not found", error.ToolOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_DataCutShort_ThrowsTruncated()
    {
        var error = await Assert.ThrowsAsync<TruncatedVideoException>(() => new VideoProbe().ProbeAsync(clips.TruncatedData));

        Assert.Equal("count the video packets", error.Purpose);
    }

    [Fact]
    public async Task ProbeAsync_ZeroFrames_ThrowsNoFrames()
    {
        await Assert.ThrowsAsync<NoFramesException>(() => new VideoProbe().ProbeAsync(clips.ZeroFrames));
    }

    [Fact]
    public async Task ProbeAsync_MissingFile_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => new VideoProbe().ProbeAsync(clips.NewPath("absent.mp4")));
    }

    [Theory]
    [InlineData(nameof(MediaLimits.MaxWidth))]
    [InlineData(nameof(MediaLimits.MaxHeight))]
    [InlineData(nameof(MediaLimits.MaxDuration))]
    [InlineData(nameof(MediaLimits.MaxFrames))]
    public async Task ProbeAsync_OverLimit_RefusesBeforeDecoding(string limit)
    {
        var limits = limit switch
        {
            nameof(MediaLimits.MaxWidth) => new MediaLimits { MaxWidth = 63 },
            nameof(MediaLimits.MaxHeight) => new MediaLimits { MaxHeight = 47 },
            nameof(MediaLimits.MaxDuration) => new MediaLimits { MaxDuration = TimeSpan.FromSeconds(1) },
            _ => new MediaLimits { MaxFrames = 39 },
        };

        // The variable-rate path would run ffmpeg to count frames; the limits must stop it first.
        var error = await Assert.ThrowsAsync<MediaLimitExceededException>(() => new VideoProbe(limits, NoFfmpeg).ProbeAsync(clips.CountedNtscWithAudio));

        Assert.Equal(limit, error.LimitName);
        Assert.Contains(limit, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_VariableRateOverFrameLimit_RefusesBeforeDecoding()
    {
        var error = await Assert.ThrowsAsync<MediaLimitExceededException>(() => new VideoProbe(new MediaLimits { MaxFrames = 10 }, NoFfmpeg).ProbeAsync(clips.VariableRate));

        Assert.Equal(nameof(MediaLimits.MaxFrames), error.LimitName);
    }
}
