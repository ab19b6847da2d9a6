using ServerlessStitch.Media;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Serve;

/// <summary>Settings of <c>stitch serve</c>: where it listens, which store it uses, how it authenticates, what it accepts.</summary>
public sealed class ServeOptions
{
    /// <summary>The loopback port (Durable Functions' local default); 0 = a free port chosen at start.</summary>
    public int Port { get; set; } = 7071;

    /// <summary>The filesystem store's folder, used when <see cref="StorageConnectionString"/> is empty.</summary>
    public string DataPath { get; set; } = ".stitch";

    /// <summary>A connection string for Azurite or Azure (see the Storage README); empty = the filesystem store.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>The key every request but <c>GET /health</c> must carry (<c>x-functions-key</c> or <c>?code=</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Serve without a key (<c>--insecure-no-auth</c>); without it and without a key the server refuses to start.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The largest request body accepted (an upload); larger ones get 413.</summary>
    public long MaxRequestBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The model manifest (or its folder); null = $STITCH_MODELS, else models/ of this checkout.</summary>
    public string? ModelsPath { get; set; }

    /// <summary>What a submitted video may be (size, duration, frames); checked by the probe before anything is stored.</summary>
    public MediaLimits MediaLimits { get; set; } = MediaLimits.Default;

    /// <summary>The knobs a request leaves out (and every blob drop uses).</summary>
    public EditDefaults Defaults { get; set; } = new();

    public BlobDropOptions Drop { get; set; } = new();

    /// <summary>The Retry-After a 202 carries, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 10;

    /// <summary>The retry policy of every activity of a job; null = the orchestration's default (3 attempts, 5 s then 10 s apart).</summary>
    public RetryPolicyInput? ActivityRetry { get; set; }

    /// <summary>
    /// Where PTI runs: in this process (<see cref="PtiDispatch.Activity"/>), or on a GPU worker (<c>stitch-gpu-worker</c>)
    /// that takes it off the <c>stitch-pti</c> queue of the same store and reports on <c>stitch-pti-done</c>, which this
    /// server listens to (<see cref="PtiDispatch.Queue"/>).
    /// </summary>
    public PtiDispatch Pti { get; set; } = PtiDispatch.Activity;

    /// <summary>With <see cref="PtiDispatch.Queue"/>: how long a job waits for its worker's report before it fails.</summary>
    public TimeSpan PtiTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>0: stitching tuning runs in this process; N: on the GPU worker, N chunks per work item (needs the worker too).</summary>
    public int StitchBatchChunks { get; set; }

    /// <summary>Activities running at once (the workflow host's bound).</summary>
    public int MaxParallelActivities { get; set; } = Environment.ProcessorCount;

    /// <summary>Refuses settings the server cannot run with, naming the setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(ApiKey) && !AllowAnonymous)
        {
            throw new ServeConfigurationException(
                "No API key is configured: set STITCH_API_KEY (requests then need it in the x-functions-key header or the code query parameter), or pass --insecure-no-auth to serve without one.");
        }
        if (Port is < 0 or > 65535)
        {
            throw new ServeConfigurationException($"The port must be 0-65535, got {Port}.");
        }
        if (MaxRequestBytes <= 0)
        {
            throw new ServeConfigurationException($"The request size limit must be positive, got {MaxRequestBytes}.");
        }
        if (StitchBatchChunks < 0)
        {
            throw new ServeConfigurationException($"The stitching batch must be 0 (in this process) or a chunk count, got {StitchBatchChunks}.");
        }
        if (PtiTimeout <= TimeSpan.Zero)
        {
            throw new ServeConfigurationException($"The PTI timeout must be positive, got {PtiTimeout}.");
        }
        if (Drop.MaxAttempts <= 0)
        {
            throw new ServeConfigurationException($"Blob drops need at least one attempt, got {Drop.MaxAttempts}.");
        }
    }
}

/// <summary>Defaults of the request knobs (null = the method's own default from <c>EditRequest</c>).</summary>
public sealed class EditDefaults
{
    public int ChunkSize { get; set; } = 16;
    public int? PtiPasses { get; set; }
    public int? StitchingIterations { get; set; }
}

/// <summary>The blob-drop trigger: a new blob in <see cref="InputContainer"/> starts a job (found by polling).</summary>
public sealed class BlobDropOptions
{
    public bool Enabled { get; set; } = true;
    public string InputContainer { get; set; } = "videos-in";
    public string OutputContainer { get; set; } = "videos-out";
    public string FailedContainer { get; set; } = "videos-failed";

    /// <summary>Where the watcher records what it did with each drop (so a restart does not redo it).</summary>
    public string ReceiptContainer { get; set; } = "stitch-drops";

    /// <summary>The edits of a drop whose blob has no <c>edits</c> metadata (comma-separated <c>NAME[=STEP]</c>).</summary>
    public IReadOnlyList<string> Edits { get; set; } = ["smile"];

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts of a drop whose job fails (a store error, a failed run) before it moves to <see cref="FailedContainer"/>.</summary>
    public int MaxAttempts { get; set; } = 3;
}

/// <summary>A setting <c>stitch serve</c> cannot start with.</summary>
public sealed class ServeConfigurationException(string message) : Exception(message);
