using System.Net.Http.Json;
using System.Text.Json;
using ServerlessStitch.Storage;
using ServerlessStitch.Storage.Testing;
using ServerlessStitch.Workflow.Edit;

namespace ServerlessStitch.Serve.Tests;

/// <summary>
/// One real Azurite and one server on it (a free loopback port, key "test-key"), shared by the tests of
/// <see cref="ServeTests"/>: jobs use the 12-frame calm clip in chunks of 5 with 6 PTI passes and 30 stitching
/// iterations (these tests check the plumbing, not the figures), so the HTTP start and the blob drops of the same
/// clip share one job. The blob-drop watcher polls every 300 ms.
/// </summary>
public sealed class ServeFixture : IAsyncLifetime
{
    public const string Key = "test-key";
    public const int Frames = 12;
    private readonly string _folder = Directory.CreateTempSubdirectory("serve-tests-").FullName;

    public AzuriteProcess Azurite { get; private set; } = null!;
    public StitchServer Server { get; private set; } = null!;
    public ServeOptions Options { get; private set; } = null!;
    public IBlobStore Store => Server.Store;
    public string Clip { get; private set; } = "";

    /// <summary>Five black frames: a video, but with no face in it (the pipeline fails at the face track).</summary>
    public string BlankClip { get; private set; } = "";

    /// <summary>A client with the key in x-functions-key.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A client without any key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Clip = TestMedia.Cut("calm.mp4", Frames, _folder);
        BlankClip = TestMedia.Blank(5, _folder);
        Azurite = await AzuriteProcess.StartAsync();
        Options = new ServeOptions
        {
            Port = 0,
            StorageConnectionString = Azurite.ConnectionString,
            ApiKey = Key,
            MaxRequestBytes = 4 * 1024 * 1024,
            ModelsPath = TestMedia.Manifest,
            RetryAfterSeconds = 1,
            // One attempt per activity: a job that fails (no face) fails at once, and the drop's own retries show.
            ActivityRetry = new RetryPolicyInput(1, TimeSpan.FromSeconds(1), 1.0),
            Defaults = new EditDefaults { ChunkSize = 5, PtiPasses = 6, StitchingIterations = 30 },
            Drop = new BlobDropOptions { PollInterval = TimeSpan.FromMilliseconds(300), MaxAttempts = 2, Edits = ["smile"] },
        };
        Server = await StitchServer.StartAsync(Options);
        Client = new HttpClient { BaseAddress = Server.Address, Timeout = TimeSpan.FromMinutes(2) };
        Client.DefaultRequestHeaders.Add("x-functions-key", Key);
        Anonymous = new HttpClient { BaseAddress = Server.Address };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await Server.DisposeAsync();
        await Azurite.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    public string TempPath(string name) => Path.Combine(_folder, name);

    /// <summary>Polls the status resource until it answers 200 (done), returning every status code and runtime status seen.</summary>
    public async Task<(JsonElement Final, List<(int Code, string Status, bool RetryAfter)> Seen)> PollAsync(Uri statusUri, TimeSpan timeout)
    {
        var seen = new List<(int, string, bool)>();
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            using var response = await Client.GetAsync(statusUri, cancel.Token);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancel.Token);
            seen.Add(((int)response.StatusCode, body.GetProperty("runtimeStatus").GetString()!, response.Headers.RetryAfter is not null));
            if ((int)response.StatusCode != 202)
            {
                return (body, seen);
            }
            await Task.Delay(500, cancel.Token);
        }
    }
}
