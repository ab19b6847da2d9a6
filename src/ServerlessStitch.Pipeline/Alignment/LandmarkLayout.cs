using ServerlessStitch.Models;

namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// Which landmark indices give the eye centres and mouth corners. Read from the model set's
/// <see cref="LandmarkModel"/>, so a 5-point model (one index per eye) works as well as iBUG-68.
/// </summary>
public sealed record LandmarkLayout(int Points, IReadOnlyList<int> LeftEye, IReadOnlyList<int> RightEye, int MouthLeft, int MouthRight)
{
    /// <summary>iBUG-68 (STIT-NOTES "Alignment": eyes 36-41 and 42-47, mouth corners 48 and 54).</summary>
    public static LandmarkLayout Ibug68 { get; } = new(68, [36, 37, 38, 39, 40, 41], [42, 43, 44, 45, 46, 47], 48, 54);

    public static LandmarkLayout From(LandmarkModel model)
    {
        Check.NotNull(model);
        var layout = new LandmarkLayout(model.Points, model.LeftEye, model.RightEye, model.MouthLeft, model.MouthRight);
        layout.Validate();
        return layout;
    }

    internal void Validate()
    {
        if (Points <= 0 || LeftEye.Count == 0 || RightEye.Count == 0)
        {
            throw new ArgumentException($"Landmark layout needs points > 0 and at least one index per eye (points {Points}, left eye {LeftEye.Count}, right eye {RightEye.Count}).");
        }
        foreach (int index in LeftEye.Concat(RightEye).Append(MouthLeft).Append(MouthRight))
        {
            if (index < 0 || index >= Points)
            {
                throw new ArgumentException($"Landmark index {index} is outside the model's {Points} points.");
            }
        }
    }
}
