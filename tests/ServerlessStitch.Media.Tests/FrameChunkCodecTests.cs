namespace ServerlessStitch.Media.Tests;

public sealed class FrameChunkCodecTests
{
    public static TheoryData<FrameChunkCompression> Compressions => new(Enum.GetValues<FrameChunkCompression>());

    [Theory]
    [MemberData(nameof(Compressions))]
    public async Task ReadAsync_WhatWasWritten_IsBitExact(FrameChunkCompression compression)
    {
        var frames = Frames(count: 5, width: 33, height: 17, channels: 3, firstIndex: 120);

        var bytes = await Write(new FrameChunkCodec(compression), frames);
        var read = await FrameChunkCodec.ReadAsync(new MemoryStream(bytes), "chunk");

        Assert.Equal(frames.Select(f => f.Index), read.Select(f => f.Index));
        Assert.All(read, f => Assert.Equal((33, 17, 3), (f.Width, f.Height, f.Channels)));
        Assert.Equal(frames.Select(f => f.Pixels), read.Select(f => f.Pixels));
    }

    [Fact]
    public async Task ReadAsync_SingleChannelMasks_RoundTrip()
    {
        var masks = Frames(count: 2, width: 8, height: 8, channels: 1, firstIndex: 0);

        var read = await FrameChunkCodec.ReadAsync(new MemoryStream(await Write(new FrameChunkCodec(), masks)), "masks");

        Assert.Equal(masks.Select(f => f.Pixels), read.Select(f => f.Pixels));
        Assert.All(read, f => Assert.Equal(1, f.Channels));
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public async Task ReadAsync_FlippedPayloadByte_ThrowsCorrupt(FrameChunkCompression compression)
    {
        var bytes = await Write(new FrameChunkCodec(compression), Frames(3, 16, 16, 3, 0));
        bytes[^10] ^= 0x40;

        var error = await Assert.ThrowsAsync<FrameChunkCorruptException>(() => FrameChunkCodec.ReadAsync(new MemoryStream(bytes), "frames/0003.chunk"));

        Assert.Equal("frames/0003.chunk", error.Input);
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public async Task ReadAsync_Truncated_ThrowsCorrupt(FrameChunkCompression compression)
    {
        var bytes = await Write(new FrameChunkCodec(compression), Frames(3, 16, 16, 3, 0));

        var error = await Assert.ThrowsAsync<FrameChunkCorruptException>(() => FrameChunkCodec.ReadAsync(new MemoryStream(bytes[..(bytes.Length * 2 / 3)]), "cut"));

        Assert.Contains("cut", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ChangedFrameIndex_ThrowsChecksumMismatch()
    {
        var bytes = await Write(new FrameChunkCodec(FrameChunkCompression.None), Frames(3, 4, 4, 3, 0));
        bytes[FrameChunkCodec.FixedHeaderBytes + 4] = 9; // second frame index 1 -> 9

        var error = await Assert.ThrowsAsync<FrameChunkCorruptException>(() => FrameChunkCodec.ReadAsync(new MemoryStream(bytes), "c"));

        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, (byte)'X', "bad magic")]
    [InlineData(4, 7, "unsupported chunk version 7")]
    [InlineData(5, 99, "unknown compression 99")]
    [InlineData(6, 0, "impossible header")]
    [InlineData(11, 0x7F, "impossible header")] // width's top byte: over 2 billion pixels wide
    public async Task ReadAsync_DamagedHeader_ThrowsCorrupt(int offset, byte value, string expected)
    {
        var bytes = await Write(new FrameChunkCodec(), Frames(1, 4, 4, 3, 0));
        bytes[offset] = value;

        var error = await Assert.ThrowsAsync<FrameChunkCorruptException>(() => FrameChunkCodec.ReadAsync(new MemoryStream(bytes), "c"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EmptyStream_ThrowsCorrupt()
    {
        await Assert.ThrowsAsync<FrameChunkCorruptException>(() => FrameChunkCodec.ReadAsync(new MemoryStream(), "empty"));
    }

    [Fact]
    public async Task WriteAsync_MixedSizes_Throws()
    {
        Frame[] frames = [.. Frames(1, 4, 4, 3, 0), .. Frames(1, 5, 4, 3, 1)];

        await Assert.ThrowsAsync<ArgumentException>(() => Write(new FrameChunkCodec(), frames));
    }

    private static async Task<byte[]> Write(FrameChunkCodec codec, IReadOnlyList<Frame> frames)
    {
        using var stream = new MemoryStream();
        await codec.WriteAsync(stream, frames);
        return stream.ToArray();
    }

    private static Frame[] Frames(int count, int width, int height, int channels, int firstIndex)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(i =>
        {
            var pixels = new byte[width * height * channels];
            random.NextBytes(pixels);
            return new Frame(firstIndex + i, width, height, channels, pixels);
        }).ToArray();
    }
}
