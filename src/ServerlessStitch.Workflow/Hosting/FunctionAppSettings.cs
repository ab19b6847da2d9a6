using System.Globalization;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Workflow.Hosting;

/// <summary>A setting of the Functions app that is missing or malformed; the message names the setting and the accepted form.</summary>
public sealed class HostSettingsException(string message) : Exception(message);

/// <summary>
/// The Functions app's own settings (app settings / local.settings.json "Values"), read once at start and checked
/// there, so a bad value stops the app with its name instead of failing each orchestration. Storage is resolved
/// separately (StorageSettings, AzureWebJobsStorage). Every name is listed in the README's app settings table.
/// </summary>
public sealed record FunctionAppSettings
{
    public const string PtiDispatchName = "STITCH_PTI_DISPATCH";
    public const string PtiTimeoutName = "STITCH_PTI_TIMEOUT";
    public const string ChunkSizeName = "STITCH_CHUNK_SIZE";
    public const string PtiPassesName = "STITCH_PTI_PASSES";
    public const string StitchingIterationsName = "STITCH_STITCHING_ITERATIONS";
    public const string DropEditsName = "STITCH_DROP_EDITS";
    public const string RetryAttemptsName = "STITCH_RETRY_MAX_ATTEMPTS";
    public const string RetryFirstIntervalName = "STITCH_RETRY_FIRST_INTERVAL";
    public const string RetryBackoffName = "STITCH_RETRY_BACKOFF";
    public const string StitchBatchName = "STITCH_STITCH_BATCH_CHUNKS";
    public const string ModelsName = "STITCH_MODELS";
    public const string ModelsContainerName = "STITCH_MODELS_CONTAINER";
    public const string ModelsPrefixName = "STITCH_MODELS_PREFIX";
    public const string ModelsCacheName = "STITCH_MODELS_CACHE";

    /// <summary>The blob metadata key whose comma-separated value overrides <see cref="DropEdits"/> for one dropped video.</summary>
    public const string EditsMetadata = "edits";

    /// <summary>Queue: the PTI GPU job (Azure's default, DESIGN.md §8); Activity: PTI in the Functions app (CPU, short clips only).</summary>
    public PtiDispatch Pti { get; init; } = PtiDispatch.Queue;

    /// <summary>How long an orchestration waits for the GPU job's completion event (a queue wait and a cold GPU start included).</summary>
    public TimeSpan PtiTimeout { get; init; } = TimeSpan.FromHours(2);

    /// <summary>0: stitching tuning runs as Functions activities; N: on the GPU job, N chunks per work item.</summary>
    public int StitchBatchChunks { get; init; }

    public int ChunkSize { get; init; } = 16;
    public int? PtiPasses { get; init; }
    public int? StitchingIterations { get; init; }

    /// <summary>The edits of a blob drop whose blob has no <see cref="EditsMetadata"/> metadata.</summary>
    public IReadOnlyList<string> DropEdits { get; init; } = ["smile"];

    /// <summary>Every activity's retry; null = the orchestration's default (3 attempts, 5 s then 10 s apart).</summary>
    public RetryPolicyInput? Retry { get; init; }

    /// <summary>A local manifest (or folder); when set, the models container is not read.</summary>
    public string? ModelsPath { get; init; }

    public string ModelsContainer { get; init; } = "models";
    public string ModelsPrefix { get; init; } = "";

    /// <summary>Where <see cref="ModelSetCache"/> keeps the downloaded set (instance-local disk).</summary>
    public string ModelsCache { get; init; } = Path.Combine(Path.GetTempPath(), "stitch-models");

    /// <summary>Reads and checks the settings; absent or blank values take the defaults above.</summary>
    /// <exception cref="HostSettingsException">A value is present but malformed or out of range.</exception>
    public static FunctionAppSettings FromConfiguration(Func<string, string?> get)
    {
        Check.NotNull(get);
        var defaults = new FunctionAppSettings();
        string? Value(string name) => get(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        RetryPolicyInput? retry = null;
        if (Value(RetryAttemptsName) is not null || Value(RetryFirstIntervalName) is not null || Value(RetryBackoffName) is not null)
        {
            // One of the three is enough; the others keep the orchestration default's values.
            var d = EditOrchestration.DefaultRetry;
            retry = new RetryPolicyInput(
                PositiveInt(RetryAttemptsName, Value(RetryAttemptsName)) ?? d.MaxAttempts,
                Duration(RetryFirstIntervalName, Value(RetryFirstIntervalName), allowZero: true) ?? d.FirstInterval,
                Backoff(Value(RetryBackoffName)) ?? d.BackoffCoefficient);
        }

        return new FunctionAppSettings
        {
            Pti = Value(PtiDispatchName) switch
            {
                null => defaults.Pti,
                string s when Enum.TryParse<PtiDispatch>(s, ignoreCase: true, out var p) && Enum.IsDefined(p) => p,
                string s => throw new HostSettingsException($"{PtiDispatchName}=\"{s}\" is not a PTI dispatch: use 'queue' (the GPU job) or 'activity' (in the Functions app)."),
            },
            PtiTimeout = Duration(PtiTimeoutName, Value(PtiTimeoutName), allowZero: false) ?? defaults.PtiTimeout,
            ChunkSize = PositiveInt(ChunkSizeName, Value(ChunkSizeName)) ?? defaults.ChunkSize,
            StitchBatchChunks = Value(StitchBatchName) is "0" ? 0 : PositiveInt(StitchBatchName, Value(StitchBatchName)) ?? defaults.StitchBatchChunks,
            PtiPasses = PositiveInt(PtiPassesName, Value(PtiPassesName)),
            StitchingIterations = PositiveInt(StitchingIterationsName, Value(StitchingIterationsName)),
            DropEdits = Value(DropEditsName) is { } edits ? EditList(edits) ?? throw new HostSettingsException($"{DropEditsName}=\"{edits}\" lists no edit; give NAME[=STEP] values separated by commas, e.g. 'smile=1.5,age=-1'.") : defaults.DropEdits,
            Retry = retry,
            ModelsPath = Value(ModelsName),
            ModelsContainer = Value(ModelsContainerName) ?? defaults.ModelsContainer,
            ModelsPrefix = Value(ModelsPrefixName) ?? defaults.ModelsPrefix,
            ModelsCache = Value(ModelsCacheName) ?? defaults.ModelsCache,
        };
    }

    /// <summary>The orchestration input for a submitted job: how PTI runs and how activities retry.</summary>
    public EditOrchestrationInput OrchestrationInput(string jobId) =>
        new(jobId) { Pti = Pti, PtiTimeout = PtiTimeout, StitchBatchChunks = StitchBatchChunks, StitchTimeout = PtiTimeout, Retry = Retry };

    /// <summary>The job request of a dropped blob: the edits of its metadata, else <see cref="DropEdits"/>, with the default knobs.</summary>
    public EditRequest DropRequest(IReadOnlyDictionary<string, string>? metadata)
    {
        var edits = metadata is not null && metadata.TryGetValue(EditsMetadata, out string? spec) ? EditList(spec) : null;
        return Request(edits ?? DropEdits, null, null, null);
    }

    /// <summary>A job request: the edits, with each knob from the caller or these defaults. The edits are checked by the job submit.</summary>
    public EditRequest Request(IReadOnlyList<string> edits, int? chunkSize, int? ptiPasses, int? stitchingIterations)
    {
        Check.NotNull(edits);
        var request = new EditRequest { Edits = [.. edits], ChunkSize = chunkSize ?? ChunkSize };
        if ((ptiPasses ?? PtiPasses) is int passes)
        {
            request = request with { Pti = request.Pti with { Passes = passes } };
        }
        if ((stitchingIterations ?? StitchingIterations) is int iterations)
        {
            request = request with { Stitching = request.Stitching with { Iterations = iterations } };
        }
        return request;
    }

    private static List<string>? EditList(string? spec)
    {
        var edits = (spec ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return edits.Count == 0 ? null : edits;
    }

    private static int? PositiveInt(string name, string? value) => value switch
    {
        null => null,
        _ when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 => n,
        _ => throw new HostSettingsException($"{name}=\"{value}\" must be a positive integer."),
    };

    /// <summary>A TimeSpan in invariant "c" form (hh:mm:ss, d.hh:mm:ss).</summary>
    private static TimeSpan? Duration(string name, string? value, bool allowZero) => value switch
    {
        null => null,
        _ when TimeSpan.TryParseExact(value, "c", CultureInfo.InvariantCulture, out var t) && (t > TimeSpan.Zero || (allowZero && t == TimeSpan.Zero)) => t,
        _ => throw new HostSettingsException($"{name}=\"{value}\" must be a {(allowZero ? "non-negative" : "positive")} duration as hh:mm:ss or d.hh:mm:ss (e.g. 02:00:00)."),
    };

    private static double? Backoff(string? value) => value switch
    {
        null => null,
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double b) && b >= 1 && double.IsFinite(b) => b,
        _ => throw new HostSettingsException($"{RetryBackoffName}=\"{value}\" must be a number of at least 1 (the backoff coefficient)."),
    };
}
