namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// One progress report of a stage: <paramref name="Done"/> of <paramref name="Total"/> units (frames, chunks,
/// PTI steps); <paramref name="Loss"/> where the stage optimises. <c>Done == Total</c> marks the stage finished.
/// </summary>
public sealed record StageProgress(string Stage, int Done, int Total, double? Loss = null, string? Detail = null)
{
    public bool IsComplete => Done >= Total;
}
