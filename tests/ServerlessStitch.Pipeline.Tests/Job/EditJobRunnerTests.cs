using System.Buffers.Binary;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;

namespace ServerlessStitch.Pipeline.Tests.Job;

public sealed class EditJobRunnerTests(EditJobFixture job, ITestOutputHelper output) : IClassFixture<EditJobFixture>
{
    [Fact]
    public async Task Output_KeepsFrameCountRateSizeAndAudio()
    {
        var input = await new VideoProbe().ProbeAsync(job.Input);
        var edited = await new VideoProbe().ProbeAsync(await job.DownloadAsync(job.Paths.Output));
        var compare = await new VideoProbe().ProbeAsync(await job.DownloadAsync(job.Paths.Compare));

        Assert.Equal((EditJobFixture.Frames, input.FrameRate, input.Width, input.Height), (edited.FrameCount, edited.FrameRate, edited.Width, edited.Height));
        Assert.True(edited.HasAudio);
        Assert.Equal((EditJobFixture.Frames, 2 * input.Width, input.Height), (compare.FrameCount, compare.Width, compare.Height));
    }

    [Fact]
    public async Task StitchedFrames_OutsideEveryFaceQuad_AreTheInputPixelsExactly()
    {
        var blobs = new JobBlobs(job.Store, job.Paths);
        var quads = (await blobs.ReadJsonAsync<AlignmentRecord>(job.Paths.Alignment, default)).ToQuads();
        int changedInside = 0;
        foreach (var range in FrameRange.Split(EditJobFixture.Frames, EditJobFixture.Request.ChunkSize))
        {
            var input = await blobs.ReadFramesAsync(job.Paths.Frames(range.Start), default);
            var stitched = await blobs.ReadFramesAsync(job.Paths.Stitched(range.Start), default);
            Assert.Equal(range.Count, stitched.Count);
            for (int i = 0; i < range.Count; i++)
            {
                var corners = quads[range.Start + i].Corners();
                double x0 = corners.Min(p => p.X) - 1, x1 = corners.Max(p => p.X) + 1, y0 = corners.Min(p => p.Y) - 1, y1 = corners.Max(p => p.Y) + 1;
                Frame a = input[i], b = stitched[i];
                for (int y = 0; y < a.Height; y++)
                {
                    for (int x = 0; x < a.Width; x++)
                    {
                        int at = (y * a.Stride) + (x * 3);
                        bool same = a.Pixels.AsSpan(at, 3).SequenceEqual(b.Pixels.AsSpan(at, 3));
                        if (x < x0 || x > x1 || y < y0 || y > y1)
                        {
                            Assert.True(same, $"frame {range.Start + i}: pixel ({x}, {y}) outside the face quad changed");
                        }
                        else if (!same)
                        {
                            changedInside++;
                        }
                    }
                }
            }
        }
        output.WriteLine($"pixels changed inside the quads: {changedInside}");
        Assert.True(changedInside > 1000, "the edit changed almost nothing");
    }

    [Fact]
    public async Task Preview_IsOneStageStripPerPreviewFrame()
    {
        byte[] png = await job.Store.ReadBytesAsync(JobPaths.Container, job.Paths.Preview);
        int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        int side = height / 3;

        Assert.Equal((5 * side, 3 * side), (width, height)); // first, middle and last frame × (crop, inversion, PTI, edit, stitched)
        Assert.True(side >= 192);
    }

    [Fact]
    public void Report_HasEveryStageAndFigure()
    {
        var report = job.Report;
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(report with { Outputs = [] }));

        Assert.Equal(["probe", "decode", "align", "invert", "pti", "stitch", "encode"], report.StageSeconds.Keys);
        Assert.Equal(("smile", job.Catalog.Manifest.Direction("smile").DefaultStep), (report.Edits.Single().Name, report.Edits.Single().Step));
        Assert.Equal(EditJobFixture.Frames * 6, report.Inversion.Steps);
        Assert.True(report.Inversion.PsnrTuned > report.Inversion.PsnrEncoder, "PTI did not improve the reconstruction");
        Assert.True(report.Boundary.Tuned < report.Boundary.Plain, "stitching tuning did not lower the boundary error");
        Assert.InRange(report.Edit.IdentityCosineMean, 0.5, 1.0);
        Assert.InRange(report.TemporalIdentity.Local, 0.98, 1.02);
        Assert.True(report.Edit.AttributeChange.ContainsKey("smile"));
        Assert.Contains(job.Progress, p => p.Stage == "pti" && p.Loss is not null);
    }

    [Fact]
    public async Task RunningAgain_ReusesEveryStageOutput()
    {
        var before = await Snapshot();

        var again = await job.Runner.RunAsync(job.JobId);

        Assert.Equal(before, await Snapshot());
        Assert.Equal(job.Report.Inversion, again.Inversion);
        Assert.Equal(job.JobId, await job.Runner.SubmitAsync(job.Input, EditJobFixture.Request));
    }

    [Fact]
    public async Task UnknownEdit_IsRefusedBeforeAnythingIsWritten()
    {
        var store = new FileSystemBlobStore(Directory.CreateTempSubdirectory("edit-refused-").FullName);
        var runner = new EditJobRunner(store, job.Catalog);

        var error = await Assert.ThrowsAsync<UnknownEditException>(() => runner.SubmitAsync(job.Input, EditJobFixture.Request with { Edits = ["frown=1"] }));

        Assert.Contains("smile", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(store.Location, JobPaths.Container)), "the refused job left blobs behind");
    }

    [Fact]
    public async Task NotAVideo_IsRefusedNamingTheFileBeforeAnythingIsWritten()
    {
        var store = new FileSystemBlobStore(Directory.CreateTempSubdirectory("edit-refused-").FullName);
        string notAVideo = Path.Combine(store.Location, "notes.mp4");
        await File.WriteAllTextAsync(notAVideo, "not a video");

        var error = await Assert.ThrowsAsync<NotAVideoException>(() => new EditJobRunner(store, job.Catalog).SubmitAsync(notAVideo, EditJobFixture.Request));

        Assert.Contains(notAVideo, error.Message, StringComparison.Ordinal);
        Assert.Equal("not a video", await File.ReadAllTextAsync(notAVideo));
        Assert.False(Directory.Exists(Path.Combine(store.Location, JobPaths.Container)), "the refused job left blobs behind");
    }

    [Fact]
    public void JobId_DependsOnInputRequestAndModels()
    {
        string hash = new('a', 64);
        var models = job.Catalog.Manifest;
        string id = JobId.For(hash, EditJobFixture.Request, models);
        var retrained = models with { Directions = new Dictionary<string, DirectionEntry>(models.Directions) { ["smile"] = models.Direction("smile") with { Sha256 = new string('0', 64) } } };

        Assert.Equal(id, JobId.For(hash, EditJobFixture.Request with { }, models));
        Assert.NotEqual(id, JobId.For(hash, EditJobFixture.Request with { Edits = ["smile=1"] }, models));
        Assert.NotEqual(id, JobId.For(new string('b', 64), EditJobFixture.Request, models));
        Assert.NotEqual(id, JobId.For(hash, EditJobFixture.Request, retrained));
    }

    private async Task<List<(string, string)>> Snapshot()
    {
        var blobs = new List<(string, string)>();
        await foreach (var blob in job.Store.ListAsync(JobPaths.Container, job.Paths.Prefix))
        {
            blobs.Add((blob.Name, blob.ETag));
        }
        return blobs;
    }
}
