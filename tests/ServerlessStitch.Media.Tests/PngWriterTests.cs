using System.Diagnostics;

namespace ServerlessStitch.Media.Tests;

[Collection(SharedClips.Name)]
public sealed class PngWriterTests(TestClips clips)
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task WriteFileAsync_DecodedByFfmpeg_IsPixelExact(int channels)
    {
        var source = await new VideoProbe().ProbeAsync(clips.OddSizeNoAudio);
        var rgb = (await VideoDecoderTests.Decode(source, new FrameRange(4, 5)))[0];
        var frame = WithChannels(rgb, channels);
        var path = clips.NewPath("preview.png");

        await PngWriter.WriteFileAsync(path, frame);

        var format = channels switch { 1 => "gray", 3 => "rgb24", _ => "rgba" };
        Assert.Equal(frame.Pixels, DecodeWithFfmpeg(path, format));
        Assert.Empty(Directory.EnumerateFiles(clips.Folder, Path.GetFileName(path) + ".partial*"));
    }

    [Fact]
    public void Row_TwoFrames_PlacesThemSideBySide()
    {
        var left = Frame.Rgb(3, 2, 1, [1, 2, 3, 4, 5, 6]);
        var right = Frame.Rgb(3, 1, 1, [7, 8, 9]);

        var row = FrameComposer.Row([left, right]);

        Assert.Equal((3, 1, 3), (row.Width, row.Height, row.Index));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, row.Pixels);
    }

    [Fact]
    public void Column_TwoFrames_StacksThemTopToBottom()
    {
        var top = Frame.Rgb(5, 1, 2, [1, 2, 3, 4, 5, 6]);
        var bottom = Frame.Rgb(6, 1, 1, [7, 8, 9]);

        var column = FrameComposer.Column([top, bottom]);

        Assert.Equal((1, 3, 5), (column.Width, column.Height, column.Index));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, column.Pixels);
        Assert.Throws<ArgumentException>(() => FrameComposer.Column([top, Frame.Rgb(6, 2, 1, [1, 2, 3, 4, 5, 6])]));
    }

    private static Frame WithChannels(Frame rgb, int channels)
    {
        var pixels = new byte[rgb.Width * rgb.Height * channels];
        for (var i = 0; i < rgb.Width * rgb.Height; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                pixels[(i * channels) + c] = c < 3 ? rgb.Pixels[(i * 3) + c] : (byte)(i % 251);
            }
        }

        return new Frame(rgb.Index, rgb.Width, rgb.Height, channels, pixels);
    }

    private static byte[] DecodeWithFfmpeg(string path, string pixelFormat)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", pixelFormat, "pipe:1"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.ToArray();
    }
}
