namespace ServerlessStitch.Media.Tests;

[Collection(SharedClips.Name)]
public sealed class VideoDecoderTests(TestClips clips)
{
    [Fact]
    public async Task DecodeAsync_WholeClip_YieldsEveryFrameInOrder()
    {
        var info = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);

        var frames = await Decode(info, new FrameRange(0, info.FrameCount));

        Assert.Equal(Enumerable.Range(0, TestClips.CountedFrames), frames.Select(f => f.Index));
        Assert.Equal(Enumerable.Range(0, TestClips.CountedFrames), frames.Select(TestClips.CountedIndex));
        Assert.All(frames, f => Assert.Equal((64, 48, 3), (f.Width, f.Height, f.Channels)));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(7, 19)] // starts between keyframes (every 10 frames) and crosses one
    [InlineData(10, 11)] // exactly a keyframe
    [InlineData(19, 20)] // the frame before a keyframe
    [InlineData(33, 40)] // the end of the clip
    public async Task DecodeAsync_Range_IsFrameAccurate(int start, int end)
    {
        var info = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);
        var whole = await Decode(info, new FrameRange(0, info.FrameCount));

        var range = await Decode(info, new FrameRange(start, end));

        Assert.Equal(Enumerable.Range(start, end - start), range.Select(f => f.Index));
        Assert.Equal(Enumerable.Range(start, end - start), range.Select(TestClips.CountedIndex));
        // Decoding after a seek rebuilds exactly the pixels of a decode from the start.
        Assert.All(range, f => Assert.Equal(whole[f.Index].Pixels, f.Pixels));
    }

    [Fact]
    public async Task DecodeAsync_Matroska_IsFrameAccurate()
    {
        var info = await new VideoProbe().ProbeAsync(clips.MatroskaWithPcm);

        var frames = await Decode(info, new FrameRange(13, 21));

        Assert.Equal(Enumerable.Range(13, 8), frames.Select(TestClips.CountedIndex));
    }

    [Fact]
    public async Task DecodeAsync_RotatedClip_YieldsUprightFrames()
    {
        var probe = new VideoProbe();
        var rotated = await probe.ProbeAsync(clips.Rotated);
        var unrotated = await probe.ProbeAsync(clips.Unrotated);

        var upright = (await Decode(rotated, new FrameRange(5, 6)))[0];
        var stored = (await Decode(unrotated, new FrameRange(5, 6)))[0];

        Assert.Equal((48, 64), (upright.Width, upright.Height));
        // ffmpeg turns this display matrix counter-clockwise; compare with the stored frame turned so.
        var expected = RotateCounterClockwise(stored);
        var meanError = upright.Pixels.Zip(expected).Average(p => Math.Abs(p.First - p.Second));
        Assert.InRange(meanError, 0, 2.0);
    }

    [Fact]
    public async Task DecodeAsync_VariableRate_YieldsNormalisedFramesConsistently()
    {
        var info = await new VideoProbe().ProbeAsync(clips.VariableRate);

        var whole = await Decode(info, new FrameRange(0, info.FrameCount));
        var middle = await Decode(info, new FrameRange(11, 17));

        Assert.Equal(info.FrameCount, whole.Count);
        Assert.Equal(Enumerable.Range(11, 6), middle.Select(f => f.Index));
        Assert.All(middle, f => Assert.Equal(whole[f.Index].Pixels, f.Pixels));
        // The source kept frames 0,1,3,4,6,7,...: resampling never invents a dropped frame's content.
        Assert.All(whole, f => Assert.NotEqual(2, TestClips.CountedIndex(f) % 3));
    }

    [Fact]
    public async Task DecodeAsync_RangePastTheEnd_Throws()
    {
        var info = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Decode(info, new FrameRange(35, 41)));
    }

    [Fact]
    public async Task DecodeAsync_FileShorterThanItsProbe_ThrowsTruncated()
    {
        var info = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);
        var claimsMore = info with { FrameCount = 60 };

        var error = await Assert.ThrowsAsync<TruncatedVideoException>(() => Decode(claimsMore, new FrameRange(30, 50)));

        Assert.Contains("ended after 10", error.Message, StringComparison.Ordinal);
        Assert.Equal("decode frames [30, 50) to RGB", error.Purpose);
    }

    [Fact]
    public async Task DecodeAsync_Cancelled_KillsFfmpeg()
    {
        var info = await new VideoProbe().ProbeAsync(clips.Longer);
        using var cancellation = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var frame in new VideoDecoder().DecodeAsync(info, new FrameRange(0, info.FrameCount), cancellation.Token))
            {
                received++;
                if (received == 3)
                {
                    Assert.NotEmpty(ChildProcesses.Named("ffmpeg"));
                    await cancellation.CancelAsync();
                }
            }
        });

        Assert.Equal(3, received);
        Assert.Empty(ChildProcesses.Named("ffmpeg"));
    }

    [Fact]
    public async Task DecodeAsync_LoopLeftEarly_KillsFfmpeg()
    {
        var info = await new VideoProbe().ProbeAsync(clips.Longer);

        await foreach (var frame in new VideoDecoder().DecodeAsync(info, new FrameRange(0, info.FrameCount)))
        {
            break;
        }

        Assert.Empty(ChildProcesses.Named("ffmpeg"));
    }

    [Fact]
    public async Task DecodeAsync_Probe_NeverModifiesTheInput()
    {
        var before = TestClips.Sha256(clips.CountedNtscWithAudio);
        var info = await new VideoProbe().ProbeAsync(clips.CountedNtscWithAudio);

        await Decode(info, new FrameRange(3, 9));

        Assert.Equal(before, TestClips.Sha256(clips.CountedNtscWithAudio));
    }

    internal static async Task<List<Frame>> Decode(VideoInfo info, FrameRange range)
    {
        var frames = new List<Frame>();
        await foreach (var frame in new VideoDecoder().DecodeAsync(info, range))
        {
            frames.Add(frame);
        }

        return frames;
    }

    private static byte[] RotateCounterClockwise(Frame frame)
    {
        // Output (x', y') with width H and height W: x' = y, y' = W - 1 - x.
        var output = new byte[frame.Pixels.Length];
        for (var y = 0; y < frame.Height; y++)
        {
            for (var x = 0; x < frame.Width; x++)
            {
                var target = ((((frame.Width - 1 - x) * frame.Height) + y) * 3);
                Array.Copy(frame.Pixels, ((y * frame.Width) + x) * 3, output, target, 3);
            }
        }

        return output;
    }
}
