namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// A local scratch folder for one job on one machine: the tools that need files (ffmpeg) get them here.
/// Nothing here is state; every stage can rebuild it from the blobs, and <see cref="Dispose"/> deletes it.
/// </summary>
public sealed class JobWorkspace : IDisposable
{
    private readonly SemaphoreSlim _inputLock = new(1, 1);

    public JobWorkspace(string jobId)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory($"stitch-{jobId}-").FullName;
    }

    public string Directory { get; }

    public string PathOf(string fileName) => Path.Combine(Directory, fileName);

    /// <summary>The job's input video as a local file, downloaded on first use.</summary>
    public async Task<string> InputFileAsync(JobBlobs blobs, CancellationToken cancellationToken)
    {
        string path = PathOf("input.video");
        await _inputLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!File.Exists(path))
            {
                await blobs.DownloadAsync(blobs.Paths.Input, path, cancellationToken).ConfigureAwait(false);
            }
            return path;
        }
        finally
        {
            _inputLock.Release();
        }
    }

    public void Dispose()
    {
        _inputLock.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Scratch only; a leftover temp folder is harmless.
        }
    }
}
