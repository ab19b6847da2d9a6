
namespace ServerlessStitch.Media;

/// <summary>Encodes a comparison video: the original on the left, the edited frames on the right.</summary>
public sealed class SideBySideEncoder(VideoEncoder encoder)
{
    /// <summary>
    /// Encodes <paramref name="original"/> | <paramref name="edited"/>, pairing frames in order.
    /// <paramref name="panel"/> describes one side; the output is twice its width. Both streams
    /// must yield the same number of frames with the same indices. Cancelling kills ffmpeg and
    /// leaves no output.
    /// </summary>
    public Task<EncodeResult> EncodeAsync(EncodeRequest panel, IAsyncEnumerable<Frame> original, IAsyncEnumerable<Frame> edited, CancellationToken cancellationToken = default)
    {
        Check.NotNull(panel);
        var request = panel with { Width = panel.Width * 2 };
        return encoder.EncodeAsync(request, Pairs(original, edited, cancellationToken), cancellationToken);
    }

    private static async IAsyncEnumerable<Frame> Pairs(IAsyncEnumerable<Frame> original, IAsyncEnumerable<Frame> edited, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var left = original.GetAsyncEnumerator(cancellationToken);
        await using (left.ConfigureAwait(false))
        {
            var right = edited.GetAsyncEnumerator(cancellationToken);
            await using (right.ConfigureAwait(false))
            {
                while (true)
                {
                    var hasLeft = await left.MoveNextAsync().ConfigureAwait(false);
                    var hasRight = await right.MoveNextAsync().ConfigureAwait(false);
                    if (hasLeft != hasRight)
                    {
                        throw new ArgumentException("The original and edited streams have different frame counts.", nameof(edited));
                    }

                    if (!hasLeft)
                    {
                        yield break;
                    }

                    if (left.Current.Index != right.Current.Index)
                    {
                        throw new ArgumentException($"Frame {left.Current.Index} of the original is paired with frame {right.Current.Index} of the edit.", nameof(edited));
                    }

                    yield return FrameComposer.Row([left.Current, right.Current]);
                }
            }
        }
    }
}
