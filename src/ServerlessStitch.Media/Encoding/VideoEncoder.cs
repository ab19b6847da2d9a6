using System.Globalization;

namespace ServerlessStitch.Media;

/// <summary>
/// Encodes RGB24 frames to H.264 in MP4 through ffmpeg's stdin, at the exact rational rate and
/// size, with the source's audio muxed in.
/// <para>
/// Odd sizes: H.264 crops in units of two pixels for 4:2:0 chroma, so no yuv420p stream can be
/// 321 pixels wide (libx264 refuses: "width not divisible by 2"). Padding would change the size
/// and scaling would resample every pixel; we keep the exact size and every pixel by encoding odd
/// sizes as yuv444p (High 4:4:4 profile), which some hardware players do not support. Even sizes,
/// the common case, stay yuv420p for compatibility.
/// </para>
/// </summary>
public sealed class VideoEncoder(MediaTools? tools = null)
{
    private readonly MediaTools tools = tools ?? MediaTools.Default;

    /// <summary>
    /// Encodes <paramref name="frames"/> in order to <see cref="EncodeRequest.OutputPath"/>. The file
    /// is written under a temporary name and renamed only after ffmpeg succeeded and the written
    /// frame count was checked. Cancelling kills ffmpeg and removes the partial file.
    /// </summary>
    public async Task<EncodeResult> EncodeAsync(EncodeRequest request, IAsyncEnumerable<Frame> frames, CancellationToken cancellationToken = default)
    {
        Check.NotNull(request);
        Check.NotNull(frames);
        Check.Positive(request.Width);
        Check.Positive(request.Height);
        var pixelFormat = request.Width % 2 == 0 && request.Height % 2 == 0 ? "yuv420p" : "yuv444p";
        var audio = AudioPlan.For(request.AudioSource);
        using var output = new AtomicOutput(request.OutputPath);
        var purpose = $"encode {request.Width}x{request.Height} at {request.FrameRate} fps to {output.FinalPath}";
        var written = 0;
        await using (var process = ToolProcess.Start(tools.FfmpegPath, Arguments(request, pixelFormat, audio, output.TemporaryPath), output.FinalPath, purpose, pipeStdin: true, pipeStdout: false, cancellationToken))
        {
            try
            {
                await foreach (var frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (frame.Width != request.Width || frame.Height != request.Height || frame.Channels != 3)
                    {
                        throw new ArgumentException($"Frame {frame.Index} is {frame.Width}x{frame.Height}x{frame.Channels}; the encoder expects {request.Width}x{request.Height} RGB.", nameof(frames));
                    }

                    await process.StandardInput.WriteAsync(frame.Pixels, cancellationToken).ConfigureAwait(false);
                    written++;
                }

                if (request.ExpectedFrameCount is { } expected && written != expected)
                {
                    throw new MediaException(output.FinalPath, $"the encoder was given {written} frames but {expected} were expected; nothing was written", purpose);
                }

                if (written == 0)
                {
                    throw new MediaException(output.FinalPath, "the encoder was given no frames; nothing was written", purpose);
                }

                await process.StandardInput.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // ffmpeg closed its stdin: it failed, and its stderr says why.
                await process.WaitForExitOrKillAsync().ConfigureAwait(false);
                throw process.Failure($"ffmpeg stopped reading frames after {written} ({ex.Message})");
            }
            catch (IOException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            await process.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
        }

        var packets = await PacketScan.RunAsync(tools, output.TemporaryPath, cancellationToken).ConfigureAwait(false);
        if (packets.Count != written)
        {
            throw new MediaException(output.FinalPath, $"the encoded file holds {packets.Count} frames but {written} were written", purpose);
        }

        output.Commit();
        return new EncodeResult(output.FinalPath, written, pixelFormat, audio);
    }

    private static List<string> Arguments(EncodeRequest request, string pixelFormat, IReadOnlyList<AudioHandling> audio, string temporaryPath)
    {
        var options = request.Options;
        var arguments = new List<string>
        {
            "-v", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24",
            "-video_size", $"{request.Width}x{request.Height}",
            "-framerate", request.FrameRate.ToString(),
            "-i", "pipe:0",
        };
        if (audio.Count > 0)
        {
            arguments.AddRange(["-i", request.AudioSource!.Path]);
        }

        arguments.AddRange(["-map", "0:v:0"]);
        for (var i = 0; i < audio.Count; i++)
        {
            var stream = i.ToString(CultureInfo.InvariantCulture);
            arguments.AddRange(["-map", $"1:{audio[i].SourceIndex.ToString(CultureInfo.InvariantCulture)}"]);
            arguments.AddRange(audio[i].Copied
                ? [$"-c:a:{stream}", "copy"]
                : [$"-c:a:{stream}", "aac", $"-b:a:{stream}", options.AudioBitrate]);
        }

        arguments.AddRange(
        [
            "-c:v", "libx264", "-preset", options.Preset, "-crf", options.Crf.ToString(CultureInfo.InvariantCulture),
            "-pix_fmt", pixelFormat,
            // RGB to YUV with the BT.709 matrix in limited range, and the stream says so, so players
            // convert back with the same matrix instead of guessing.
            "-vf", "scale=out_color_matrix=bt709:out_range=tv",
            "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
            "-fps_mode", "passthrough",
            "-movflags", "+faststart",
            "-f", "mp4", temporaryPath,
        ]);
        return arguments;
    }
}
