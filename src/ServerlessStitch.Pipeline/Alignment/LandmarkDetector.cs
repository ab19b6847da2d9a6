using ServerlessStitch.Media;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// Runs the model set's landmark model on whole frames (DESIGN §4: <c>forward(x)</c> [1, 3, H, W] in [0, 1] →
/// [P, 3] = x px, y px, score) and returns per frame the P × 3 floats <see cref="FaceTrack.Build"/> takes.
/// The module is the caller's (e.g. from <c>ModelCatalog</c>); this class does not dispose it.
/// </summary>
public sealed class LandmarkDetector(jit.ScriptModule module, LandmarkLayout layout)
{
    private readonly jit.ScriptModule module = Check.NotNull(module);
    private readonly LandmarkLayout layout = Check.NotNull(layout);

    public IReadOnlyList<float[]> Detect(IReadOnlyList<Frame> frames)
    {
        Check.NotNull(frames);
        var result = new float[frames.Count][];
        using var noGrad = no_grad();
        for (int i = 0; i < frames.Count; i++)
        {
            // One frame per call: the contract's batch is 1 (frames of a video share a size, but models
            // like the real detectors take one image).
            using var scope = NewDisposeScope();
            Tensor output = module.forward(FrameTensors.ToUnitFloat([frames[i]]));
            long[] shape = output.shape;
            if (shape.Length != 2 || shape[0] != layout.Points || shape[1] != 3)
            {
                throw new InvalidOperationException(
                    $"The landmark model returned {output} for frame {frames[i].Index}; the contract is [{layout.Points}, 3] (x, y, score).");
            }
            result[i] = output.to(float32).contiguous().data<float>();
        }
        return result;
    }
}
