namespace ServerlessStitch.Media;

/// <summary>
/// A file written under a temporary name in the destination folder and renamed into place only
/// when complete, so a failed or cancelled write never leaves a file that looks finished.
/// </summary>
internal sealed class AtomicOutput : IDisposable
{
    private bool committed;

    public AtomicOutput(string finalPath)
    {
        Check.NotEmpty(finalPath);
        FinalPath = Path.GetFullPath(finalPath);
        Directory.CreateDirectory(Path.GetDirectoryName(FinalPath)!);
        TemporaryPath = $"{FinalPath}.partial-{Guid.NewGuid():N}";
    }

    public string FinalPath { get; }

    public string TemporaryPath { get; }

    public void Commit()
    {
        File.Move(TemporaryPath, FinalPath, overwrite: true);
        committed = true;
    }

    public void Dispose()
    {
        if (!committed)
        {
            File.Delete(TemporaryPath);
        }
    }
}
