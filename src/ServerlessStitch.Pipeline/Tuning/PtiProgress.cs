namespace ServerlessStitch.Pipeline.Tuning;

/// <summary>
/// One optimiser step of <see cref="PivotalTuner"/>: pass <paramref name="Pass"/> (0-based) of
/// <paramref name="Passes"/>, global step <paramref name="Step"/> (0-based) of <paramref name="Steps"/>.
/// <paramref name="Loss"/> = reconstruction + regularizer; <paramref name="Reconstruction"/> and
/// <paramref name="Regularizer"/> are its parts (the latter already weighted). <paramref name="FramesPerSecond"/>
/// counts frame-steps since the start of tuning.
/// </summary>
public sealed record PtiProgress(
    int Pass, int Passes, int Step, int Steps, double Loss, double Reconstruction, double Regularizer, double FramesPerSecond);
