using ServerlessStitch.Media;
using ServerlessStitch.Pipeline.Inversion;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Tests.Job;

/// <summary>
/// PtiStage over a filesystem blob store, with the aligned crops and pivots of 4 calm frames (2 chunks) written as the
/// earlier stages would: a worker killed after a checkpoint is replaced by one that resumes from it.
/// </summary>
[Collection(OptimisationGroup.Name)]
public sealed class PtiStageCheckpointTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly FrameRange[] Chunks = [new(0, 2), new(2, 4)];
    private static readonly EditRequest Request = new()
    {
        Edits = ["smile"],
        ChunkSize = 2,
        Pti = new() { Passes = 4, CheckpointEveryPasses = 2, LearningRate = 3e-4 },
    };
    private readonly string _folder = Directory.CreateTempSubdirectory("pti-checkpoint-").FullName;
    private CalmCrops _calm = null!;
    private JobBlobs _blobs = null!;

    public async Task InitializeAsync()
    {
        _calm = await CalmCrops.GetAsync();
        var store = new FileSystemBlobStore(_folder);
        await store.CreateContainerIfNotExistsAsync(JobPaths.Container);
        _blobs = new JobBlobs(store, new JobPaths("pti-checkpoint-test"));
        using Tensor crops = _calm.Take(0, 16, 32, 47);
        using Tensor pivots = new EncoderInverter(_calm.Encoder).Invert(crops);
        foreach (var chunk in Chunks)
        {
            using Tensor chunkPivots = pivots.narrow(0, chunk.Start, chunk.Count);
            IReadOnlyList<Frame> chunkCrops;
            using (Tensor slice = crops.narrow(0, chunk.Start, chunk.Count))
            {
                chunkCrops = CropImages.ToFrames(slice, chunk.Start);
            }
            await _blobs.WriteFramesAsync(_blobs.Paths.Aligned(chunk.Start), chunkCrops, default);
            await _blobs.WriteTensorAsync(_blobs.Paths.Pivots(chunk.Start), chunkPivots, default);
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TuneAsync_KilledAfterCheckpoint_ReplacementResumesFromPassTwoAndDeletesTheCheckpoint()
    {
        await KillAfterFirstCheckpointAsync(Request);
        var state = await _blobs.ReadJsonAsync<PtiCheckpointState>(_blobs.Paths.PtiCheckpointState, default);

        var reports = new List<StageProgress>();
        PtiSummary summary = await new PtiStage(_blobs, _calm.Catalog, Request).TuneAsync(Chunks, new SyncProgress<StageProgress>(reports.Add), default);
        output.WriteLine($"state.json: passes {state.PassesDone}, frames {state.Frames}; resumed: {string.Join(" | ", reports.Where(r => r.Loss is null).Select(r => r.Detail))}; " +
                         $"{reports.Count(r => r.Loss is not null)} step reports, PSNR {summary.PsnrEncoder:F2} → {summary.PsnrTuned:F2} dB");

        Assert.Equal(2, state.PassesDone);
        Assert.Equal(4, state.Frames);
        Assert.Equal(2, summary.ResumedFromPass);
        Assert.Equal(16, summary.Steps);
        Assert.Contains(reports, r => r.Detail == "resuming from the checkpoint after pass 2");
        Assert.Equal(Enumerable.Range(9, 8), reports.Where(r => r.Detail?.StartsWith("pass ", StringComparison.Ordinal) == true).Select(r => r.Done));
        Assert.True(summary.PsnrTuned > summary.PsnrEncoder);
        Assert.True(await _blobs.ExistsAsync(_blobs.Paths.PtiSummary, default));
        await AssertNoCheckpointAsync();
        Assert.Equal(2, (await _blobs.ReadJsonAsync<PtiSummary>(_blobs.Paths.PtiSummary, default)).ResumedFromPass);
    }

    [Fact]
    public async Task TuneAsync_CheckpointOfOtherOptions_IsIgnoredAndPtiStartsOver()
    {
        await KillAfterFirstCheckpointAsync(Request);
        var other = Request with { Pti = Request.Pti with { Seed = 1 } };

        var reports = new List<StageProgress>();
        PtiSummary summary = await new PtiStage(_blobs, _calm.Catalog, other).TuneAsync(Chunks, new SyncProgress<StageProgress>(reports.Add), default);

        Assert.Equal(0, summary.ResumedFromPass);
        Assert.Contains(reports, r => r.Detail == "checkpoint ignored: it was made with other PTI options, models or frames; PTI starts over");
        Assert.Equal(16, reports.Count(r => r.Detail?.StartsWith("pass ", StringComparison.Ordinal) == true));
        await AssertNoCheckpointAsync();
    }

    [Fact]
    public async Task TuneAsync_CorruptCheckpointBlob_IsIgnoredAndPtiStartsOver()
    {
        await KillAfterFirstCheckpointAsync(Request);
        await _blobs.WriteBytesAsync(_blobs.Paths.PtiCheckpointOptimizer, new byte[] { 1, 2, 3 }, "application/octet-stream", default);

        var reports = new List<StageProgress>();
        PtiSummary summary = await new PtiStage(_blobs, _calm.Catalog, Request).TuneAsync(Chunks, new SyncProgress<StageProgress>(reports.Add), default);

        Assert.Equal(0, summary.ResumedFromPass);
        Assert.Contains(reports, r => r.Detail?.StartsWith("checkpoint ignored: its generator or optimizer blob", StringComparison.Ordinal) == true);
        await AssertNoCheckpointAsync();
    }

    /// <summary>A stage run cancelled (the worker "killed") right after its first checkpoint was reported written.</summary>
    private async Task KillAfterFirstCheckpointAsync(EditRequest request)
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress<StageProgress>(p =>
        {
            if (p.Detail?.StartsWith("checkpoint after pass", StringComparison.Ordinal) == true)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new PtiStage(_blobs, _calm.Catalog, request).TuneAsync(Chunks, progress, cancel.Token));
        Assert.False(await _blobs.ExistsAsync(_blobs.Paths.PtiSummary, default));
        Assert.True(await _blobs.ExistsAsync(_blobs.Paths.PtiCheckpointState, default));
    }

    private async Task AssertNoCheckpointAsync()
    {
        foreach (string name in new[] { _blobs.Paths.PtiCheckpointState, _blobs.Paths.PtiCheckpointGenerator, _blobs.Paths.PtiCheckpointOptimizer })
        {
            Assert.False(await _blobs.ExistsAsync(name, default), $"{name} is left behind");
        }
    }
}
