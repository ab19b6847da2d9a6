using System.Globalization;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.GpuWorker;

/// <summary>How the worker runs: a job execution that exits when the queue is empty, or a service that keeps polling.</summary>
public enum WorkerMode
{
    Job,
    Service,
}

/// <summary>
/// The worker's settings, from environment variables (the container's configuration) overridden by
/// <c>--name value</c> arguments: <c>STITCH_STORAGE</c> (see <see cref="StorageSettings"/>), <c>STITCH_MODELS</c>,
/// <c>STITCH_MODELS_CONTAINER</c>, <c>STITCH_MODELS_CACHE</c>, <c>STITCH_WORKER_MODE</c>, <c>STITCH_DEVICE</c>, <c>STITCH_PTI_VISIBILITY</c>, <c>STITCH_PTI_MAX_ATTEMPTS</c>,
/// <c>STITCH_POLL_INTERVAL</c>, <c>STITCH_THREADS</c>.
/// </summary>
public sealed class WorkerOptions
{
    public const string StorageSetting = "STITCH_STORAGE";

    private static readonly Dictionary<string, string> ArgumentSettings = new(StringComparer.Ordinal)
    {
        ["--storage"] = StorageSetting,
        ["--data"] = "STITCH_DATA",
        ["--models"] = "STITCH_MODELS",
        ["--models-container"] = "STITCH_MODELS_CONTAINER",
        ["--models-cache"] = "STITCH_MODELS_CACHE",
        ["--mode"] = "STITCH_WORKER_MODE",
        ["--device"] = "STITCH_DEVICE",
        ["--visibility"] = "STITCH_PTI_VISIBILITY",
        ["--max-attempts"] = "STITCH_PTI_MAX_ATTEMPTS",
        ["--poll-interval"] = "STITCH_POLL_INTERVAL",
        ["--threads"] = "STITCH_THREADS",
    };

    /// <summary>The store holding the jobs and queues.</summary>
    public required StorageSettings Storage { get; init; }

    /// <summary>The model manifest (or its folder); null = the locator's default ($STITCH_MODELS, else the checkout's models/).</summary>
    public string? ModelsPath { get; init; }

    /// <summary>
    /// With no <see cref="ModelsPath"/>: the blob container the model set was pushed to (<c>stitch models push</c>),
    /// fetched into <see cref="ModelsCache"/> and checked against the manifest's hashes. Null = the locator's default.
    /// </summary>
    public string? ModelsContainer { get; init; }

    public string ModelsCache { get; init; } = Path.Combine(Path.GetTempPath(), "stitch-models");

    public WorkerMode Mode { get; init; } = WorkerMode.Job;

    /// <summary><c>auto</c> (CUDA when the linked libtorch has it and a device is present), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>How long a taken work item stays invisible to other workers; renewed every third of it while PTI runs.</summary>
    public TimeSpan Visibility { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Deliveries of one work item before it goes to the poison queue and its orchestration fails. A worker stopped
    /// or crashed mid-PTI uses one up too (the queue cannot tell them apart), hence more than the failures to tolerate.
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>How long a service-mode worker waits between looks at an empty queue.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>libtorch intra-op threads; 0 = libtorch's default.</summary>
    public int Threads { get; init; }

    /// <summary>Reads the settings; a bad value throws <see cref="WorkerConfigurationException"/> naming the setting.</summary>
    public static WorkerOptions From(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            if (!ArgumentSettings.TryGetValue(args[i], out string? setting) || i + 1 >= args.Count)
            {
                throw new WorkerConfigurationException($"Unknown argument or missing value: '{args[i]}'. Arguments: {string.Join(", ", ArgumentSettings.Keys.Order(StringComparer.Ordinal))} (each followed by a value).");
            }
            given[setting] = args[++i];
        }
        string? Get(string name) => given.TryGetValue(name, out string? value) ? value : environment(name);

        StorageSettings storage;
        try
        {
            storage = StorageSettings.FromConfiguration(Get, StorageSetting, Get("STITCH_DATA") ?? ".stitch");
        }
        catch (StorageSettingsException e)
        {
            throw new WorkerConfigurationException(e.Message, e);
        }
        var options = new WorkerOptions
        {
            Storage = storage,
            ModelsPath = Get("STITCH_MODELS"),
            ModelsContainer = Get("STITCH_MODELS_CONTAINER"),
            ModelsCache = Get("STITCH_MODELS_CACHE") ?? Path.Combine(Path.GetTempPath(), "stitch-models"),
            Mode = Get("STITCH_WORKER_MODE") switch
            {
                null or "job" => WorkerMode.Job,
                "service" => WorkerMode.Service,
                string other => throw new WorkerConfigurationException($"STITCH_WORKER_MODE must be 'job' or 'service', not '{other}'."),
            },
            Device = Get("STITCH_DEVICE") ?? "auto",
            Visibility = Duration(Get("STITCH_PTI_VISIBILITY"), "STITCH_PTI_VISIBILITY", TimeSpan.FromMinutes(5)),
            MaxAttempts = Count(Get("STITCH_PTI_MAX_ATTEMPTS"), "STITCH_PTI_MAX_ATTEMPTS", 5, 1),
            PollInterval = Duration(Get("STITCH_POLL_INTERVAL"), "STITCH_POLL_INTERVAL", TimeSpan.FromSeconds(2)),
            Threads = Count(Get("STITCH_THREADS"), "STITCH_THREADS", 0, 0),
        };
        if (options.Visibility < TimeSpan.FromSeconds(3) || options.Visibility > TimeSpan.FromDays(7))
        {
            throw new WorkerConfigurationException($"STITCH_PTI_VISIBILITY must be 3 s to 7 days (the queue's range, renewed every third), not {options.Visibility}.");
        }
        return options;
    }

    /// <summary>Seconds ("300"), or a TimeSpan ("00:05:00").</summary>
    private static TimeSpan Duration(string? value, string setting, TimeSpan fallback)
    {
        if (value is null)
        {
            return fallback;
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && double.IsFinite(seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }
        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out TimeSpan span) && span > TimeSpan.Zero
            ? span
            : throw new WorkerConfigurationException($"{setting} must be seconds (e.g. 300) or a time span (e.g. 00:05:00), not '{value}'.");
    }

    private static int Count(string? value, string setting, int fallback, int minimum) => value is null
        ? fallback
        : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) && count >= minimum
            ? count
            : throw new WorkerConfigurationException($"{setting} must be a whole number ≥ {minimum}, not '{value}'.");
}

/// <summary>A worker setting is missing or malformed; the message names it. The worker exits with code 2.</summary>
public class WorkerConfigurationException : Exception
{
    public WorkerConfigurationException() { }

    public WorkerConfigurationException(string message) : base(message) { }

    public WorkerConfigurationException(string message, Exception? innerException) : base(message, innerException) { }
}
