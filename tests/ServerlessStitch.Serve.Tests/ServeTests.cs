using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ServerlessStitch.Media;
using ServerlessStitch.Storage;
using ServerlessStitch.Workflow.Hosting;

namespace ServerlessStitch.Serve.Tests;

/// <summary>The server on a real Azurite through a real HttpClient: starts, status, blob drops, errors, auth.</summary>
public sealed class ServeTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(8);
    private static readonly string[] Smile = ["smile"];
    private static readonly string[] AgeYounger = ["age=-1"];
    private const string ReducedKnobs = "chunkSize=5&ptiPasses=6&stitchingIterations=30";

    [Fact]
    public async Task Health_WithoutKey_Returns200()
    {
        using var response = await fixture.Anonymous.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("GET", "/api/edits/0123456789abcdef0123", null)]
    [InlineData("POST", "/api/edits", null)]
    [InlineData("GET", "/api/edits/0123456789abcdef0123", "wrong-key")]
    [InlineData("GET", "/api/edits/0123456789abcdef0123?code=wrong-key", null)]
    public async Task AnyApiRoute_WithoutTheKey_Returns401WithJsonError(string method, string path, string? key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }
        using var response = await fixture.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("Unauthorized", error.Error);
        Assert.Contains("x-functions-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_KeyInCodeQueryAndUnknownInstance_Returns404()
    {
        using var response = await fixture.Anonymous.GetAsync($"/api/edits/0123456789abcdef0123?code={ServeFixture.Key}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("InstanceNotFound", (await ErrorAsync(response)).Error);
    }

    [Fact]
    public async Task StartEdit_UploadThenPoll_CompletesWithDownloadableOutputs()
    {
        using var start = await UploadAsync(await File.ReadAllBytesAsync(fixture.Clip), $"edit=smile&{ReducedKnobs}");

        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.NotNull(start.Headers.RetryAfter);
        var payload = await start.Content.ReadFromJsonAsync<JsonElement>();
        string id = payload.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{20}$", id);
        var statusUri = new Uri(payload.GetProperty("statusQueryGetUri").GetString()!);
        Assert.Equal(statusUri, start.Headers.Location);
        Assert.Equal(new Uri(fixture.Server.Address, $"api/edits/{id}"), statusUri);
        Assert.Equal($"{statusUri}/raiseEvent/{{eventName}}", payload.GetProperty("sendEventPostUri").GetString());
        Assert.Equal($"{statusUri}/terminate?reason={{text}}", payload.GetProperty("terminatePostUri").GetString());
        Assert.Equal(statusUri.AbsoluteUri, payload.GetProperty("purgeHistoryDeleteUri").GetString());

        var (final, seen) = await fixture.PollAsync(statusUri, JobTimeout);

        // While running: 202 + Retry-After with Pending or Running; done: 200 Completed.
        Assert.All(seen.Where(s => s.Code == 202), s => Assert.True(s.RetryAfter && s.Status is "Pending" or "Running", $"{s}"));
        Assert.Equal(200, seen[^1].Code);
        Assert.Equal("Completed", final.GetProperty("runtimeStatus").GetString());
        Assert.Equal("EditVideo", final.GetProperty("name").GetString());
        Assert.Equal(id, final.GetProperty("instanceId").GetString());
        Assert.Equal(id, final.GetProperty("input").GetProperty("jobId").GetString());
        Assert.Equal("done", final.GetProperty("customStatus").GetProperty("stage").GetString());
        Assert.True(final.GetProperty("lastUpdatedTime").GetDateTimeOffset() >= final.GetProperty("createdTime").GetDateTimeOffset());

        var output = final.GetProperty("output");
        byte[] video = await fixture.Client.GetByteArrayAsync(output.GetProperty("output").GetString());
        Assert.Equal("ftyp", Encoding.ASCII.GetString(video, 4, 4));
        string path = fixture.TempPath($"{id}.output.mp4");
        await File.WriteAllBytesAsync(path, video);
        Assert.Equal(ServeFixture.Frames, (await new VideoProbe().ProbeAsync(path)).FrameCount);
        byte[] preview = await fixture.Client.GetByteArrayAsync(output.GetProperty("preview").GetString());
        Assert.Equal("PNG", Encoding.ASCII.GetString(preview, 1, 3));
        var report = await fixture.Client.GetFromJsonAsync<JsonElement>(output.GetProperty("report").GetString());
        Assert.Equal(JsonValueKind.Object, report.ValueKind);

        // The same video and edits again: the same instance, nothing new started.
        var created = final.GetProperty("createdTime").GetDateTimeOffset();
        using var again = await UploadAsync(await File.ReadAllBytesAsync(fixture.Clip), $"edit=smile&{ReducedKnobs}");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        var status = await fixture.Server.Host.GetStatusAsync(id);
        Assert.Equal(created, status!.CreatedTime);
    }

    [Fact]
    public async Task BlobDrop_SampleVideo_EditedVideoLandsInVideosOut()
    {
        var (receipt, output) = await DropAndWaitAsync("calm-drop.mp4");

        Assert.Equal(receipt.InstanceId, output.Metadata[BlobDropWatcher.JobIdMetadata]);
        Assert.Equal("video/mp4", output.ContentType);
        string path = fixture.TempPath("calm-drop.edited.mp4");
        await File.WriteAllBytesAsync(path, await fixture.Store.ReadBytesAsync(fixture.Options.Drop.OutputContainer, "calm-drop.mp4"));
        var video = await new VideoProbe().ProbeAsync(path);
        Assert.Equal(ServeFixture.Frames, video.FrameCount);
        Assert.Equal("Completed", (await fixture.Server.Host.GetStatusAsync(receipt.InstanceId!))!.RuntimeStatus.ToString());
    }

    [Fact]
    public async Task BlobDrop_DuplicateOfADoneDrop_StartsNoSecondJob()
    {
        var (first, _) = await DropAndWaitAsync("calm-first.mp4");
        var before = (await fixture.Server.Host.GetStatusAsync(first.InstanceId!))!;
        int attempts = (await fixture.Server.Host.GetAttemptsAsync(first.InstanceId!)).Count;

        var (duplicate, output) = await DropAndWaitAsync("calm-duplicate.mp4");

        Assert.Equal(first.InstanceId, duplicate.InstanceId);
        Assert.False(duplicate.StartedNewInstance);
        Assert.Equal(first.InstanceId, output.Metadata[BlobDropWatcher.JobIdMetadata]);
        var after = (await fixture.Server.Host.GetStatusAsync(first.InstanceId!))!;
        Assert.Equal(before.CreatedTime, after.CreatedTime);
        Assert.Equal(attempts, (await fixture.Server.Host.GetAttemptsAsync(first.InstanceId!)).Count);
    }

    [Fact]
    public async Task BlobDrop_NotAVideo_MovedToVideosFailedWithErrorJson()
    {
        var drop = fixture.Options.Drop;
        await fixture.Store.CreateContainerIfNotExistsAsync(drop.InputContainer);
        await fixture.Store.WriteBytesAsync(drop.InputContainer, "notes.txt", Encoding.UTF8.GetBytes("these are my notes, not a video"));

        var receipt = await DropReceipts.WaitForFinalAsync(fixture.Store, drop, "notes.txt", TimeSpan.FromMinutes(5));
        Assert.Equal(DropReceipt.Failed, receipt.State);

        var failure = await fixture.Store.ReadJsonAsync<DropFailure>(drop.FailedContainer, "notes.txt.error.json", JsonSerializerOptions.Web);
        Assert.Equal("NotAVideo", failure.Error);
        Assert.Contains("videos-in/notes.txt", failure.Message, StringComparison.Ordinal);
        Assert.True(await fixture.Store.ExistsAsync(drop.FailedContainer, "notes.txt"));
        Assert.False(await fixture.Store.ExistsAsync(drop.InputContainer, "notes.txt"));
    }

    [Fact]
    public async Task BlobDrop_JobFailsEveryTime_RetriedThenMovedToVideosFailedAndStatusFailedWithReason()
    {
        var drop = fixture.Options.Drop;
        await fixture.Store.CreateContainerIfNotExistsAsync(drop.InputContainer);
        await using (var file = File.OpenRead(fixture.BlankClip))
        {
            await fixture.Store.WriteAsync(drop.InputContainer, "blank.mp4", file);
        }

        var receipt = await DropReceipts.WaitForFinalAsync(fixture.Store, drop, "blank.mp4", JobTimeout);
        Assert.Equal(DropReceipt.Failed, receipt.State);

        var failure = await fixture.Store.ReadJsonAsync<DropFailure>(drop.FailedContainer, "blank.mp4.error.json", JsonSerializerOptions.Web);
        Assert.Equal("JobFailed", failure.Error);
        Assert.Equal(drop.MaxAttempts, failure.Attempts);
        Assert.Contains("face", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(await fixture.Store.ExistsAsync(drop.FailedContainer, "blank.mp4"));
        Assert.False(await fixture.Store.ExistsAsync(drop.InputContainer, "blank.mp4"));
        // The last attempt's instance stays: its status is 200 Failed with the reason, not a 500.
        using var response = await fixture.Client.GetAsync($"/api/edits/{failure.InstanceId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Failed", status.GetProperty("runtimeStatus").GetString());
        Assert.Contains("face", status.GetProperty("output").GetProperty("error").GetString()!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StartEdit_InvalidJson_Returns400InvalidJson()
    {
        using var response = await fixture.Client.PostAsync("/api/edits", new StringContent("{ \"source\": ", Encoding.UTF8, "application/json"));

        await AssertBadRequestAsync(response, "InvalidJson", "source");
    }

    [Fact]
    public async Task StartEdit_UnknownEdit_Returns400NamingTheKnownEdits()
    {
        using var response = await UploadAsync(await File.ReadAllBytesAsync(fixture.Clip), "edit=frown=2");

        var error = await AssertBadRequestAsync(response, "UnknownEdit", "frown");
        Assert.Contains("smile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartEdit_MissingSourceBlob_Returns400NamingTheBlob()
    {
        await fixture.Store.CreateContainerIfNotExistsAsync("uploads");
        using var response = await fixture.Client.PostAsJsonAsync("/api/edits", new { source = "uploads/nowhere.mp4", edits = Smile });

        await AssertBadRequestAsync(response, "BlobNotFound", "nowhere.mp4");
    }

    [Fact]
    public async Task StartEdit_NotAVideo_Returns400NotAVideo()
    {
        using var response = await UploadAsync(Encoding.UTF8.GetBytes("these are my notes, not a video"), "edit=smile");

        var error = await AssertBadRequestAsync(response, "NotAVideo", "the uploaded body");
        Assert.DoesNotContain(Path.GetTempPath(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartEdit_NoEdits_Returns400InvalidRequest()
    {
        using var response = await fixture.Client.PostAsJsonAsync("/api/edits", new { source = "uploads/clip.mp4" });

        await AssertBadRequestAsync(response, "InvalidRequest", "edits");
    }

    [Fact]
    public async Task StartEdit_BodyOverTheSizeLimit_Returns413WithJsonError()
    {
        // Expect: 100-continue (as curl sends for large bodies): the 413 comes before the body is sent, so the
        // client reads the answer instead of a broken pipe from a server that stopped reading.
        var content = new ByteArrayContent(new byte[fixture.Options.MaxRequestBytes + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/edits?edit=smile") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("RequestTooLarge", error.Error);
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartEdit_SourceBlobInStore_TerminateThenPurge_ReportsTerminatedThenGone()
    {
        await fixture.Store.CreateContainerIfNotExistsAsync("uploads");
        await using (var file = File.OpenRead(fixture.Clip))
        {
            await fixture.Store.WriteAsync("uploads", "calm.mp4", file);
        }
        // Another edit than the shared job's, so this is an instance of its own.
        using var start = await fixture.Client.PostAsJsonAsync("/api/edits", new { source = "uploads/calm.mp4", edits = AgeYounger, chunkSize = 5, ptiPasses = 1, stitchingIterations = 1 });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var payload = await start.Content.ReadFromJsonAsync<JsonElement>();
        string terminate = payload.GetProperty("terminatePostUri").GetString()!.Replace("{text}", "no%20longer%20needed", StringComparison.Ordinal);

        using var terminated = await fixture.Client.PostAsync(terminate, null);
        var (final, _) = await fixture.PollAsync(new Uri(payload.GetProperty("statusQueryGetUri").GetString()!), TimeSpan.FromMinutes(5));

        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal("Terminated", final.GetProperty("runtimeStatus").GetString());
        Assert.Equal("no longer needed", final.GetProperty("output").GetProperty("error").GetString());
        using var purged = await fixture.Client.DeleteAsync(payload.GetProperty("purgeHistoryDeleteUri").GetString());
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        using var gone = await fixture.Client.GetAsync(payload.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private async Task<HttpResponseMessage> UploadAsync(byte[] body, string query)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        return await fixture.Client.PostAsync($"/api/edits?{query}", content);
    }

    /// <summary>Drops the clip into videos-in and waits for its result in videos-out; returns the watcher's receipt and the result's properties.</summary>
    private async Task<(DropReceipt Receipt, BlobProperties Output)> DropAndWaitAsync(string name)
    {
        var drop = fixture.Options.Drop;
        await fixture.Store.CreateContainerIfNotExistsAsync(drop.InputContainer);
        await using (var file = File.OpenRead(fixture.Clip))
        {
            await fixture.Store.WriteAsync(drop.InputContainer, name, file, new BlobWriteOptions
            {
                ContentType = "video/mp4",
                Metadata = new Dictionary<string, string> { [BlobDropWatcher.EditsMetadata] = "smile" },
            });
        }
        var receipt = await DropReceipts.WaitForFinalAsync(fixture.Store, drop, name, JobTimeout);
        Assert.Equal(DropReceipt.Done, receipt.State);
        return (receipt, await fixture.Store.GetPropertiesAsync(drop.OutputContainer, name));
    }

    private static async Task<ErrorBody> AssertBadRequestAsync(HttpResponseMessage response, string error, string named)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await ErrorAsync(response);
        Assert.Equal(error, body.Error);
        Assert.Contains(named, body.Message, StringComparison.OrdinalIgnoreCase);
        return body;
    }

    private static async Task<ErrorBody> ErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal); // never a stack trace
        return JsonSerializer.Deserialize<ErrorBody>(text, JsonSerializerOptions.Web)!;
    }
}
