using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Benchmarks;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Storage;
using ServerlessStitch.Torch;
using ServerlessStitch.Workflow;
using ServerlessStitch.Workflow.Activities;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

// Usage: dotnet run -c Release --project bench/ServerlessStitch.Pipeline.Benchmarks -- bench/results [--pti-passes N] [--stitching-iterations M]
// Writes bench/results/pipeline.md. Each measured job runs in its own child process (this program with --job), so
// its peak resident memory (VmHWM) is its own. Defaults are the paper's iteration counts.
if (args.Length > 0 && args[0] == "--job")
{
    return await RunJobAsync(args[1], JsonSerializer.Deserialize<EditRequest>(args[2], JobBlobs.Json)!, int.Parse(args[3], CultureInfo.InvariantCulture));
}

string results = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "bench/results";
int passes = Option("--pti-passes", 80), iterations = Option("--stitching-iterations", 100);
Directory.CreateDirectory(results);
string work = Directory.CreateTempSubdirectory("pipeline-bench-").FullName;
try
{
    string calm = Path.GetFullPath("samples/calm.mp4");
    string calm192 = Clips.Loop(calm, times: 4, Path.Combine(work, "calm-192.mp4"));
    var demo = new EditRequest { Edits = ["smile"], Pti = new() { Passes = passes }, Stitching = new() { Iterations = iterations } };
    // The streaming stages alone (no PTI, a few stitching iterations): their memory must not grow with the video.
    var streaming = new EditRequest { Edits = ["smile"], TuneGenerator = false, Stitching = new() { Iterations = 5 } };

    var report = new StringBuilder();
    string load = File.ReadAllText("/proc/loadavg").Split(' ')[..3] is var l ? string.Join(", ", l) : "";
    report.AppendLine("# Pipeline benchmarks");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Written by `dotnet run -c Release --project bench/ServerlessStitch.Pipeline.Benchmarks -- {results} --pti-passes {passes} --stitching-iterations {iterations}` on {Environment.ProcessorCount} cores, CPU only, libtorch with {Environment.ProcessorCount} threads; load average at the start: {load}. Each job runs in a fresh process on the filesystem store; peak memory is that process's VmHWM.");
    report.AppendLine();

    Console.WriteLine($"demo edit: samples/calm.mp4, smile, PTI {passes} passes, stitching {iterations} iterations ...");
    var run = JobRun.Start(calm, demo);
    report.AppendLine(CultureInfo.InvariantCulture, $"## The demo edit (samples/calm.mp4, 48 frames 256², +smile, PTI {passes} passes, stitching tuning {iterations} iterations)");
    report.AppendLine();
    report.AppendLine("| stage | seconds |");
    report.AppendLine("| --- | ---: |");
    foreach (var (stage, seconds) in run.Report.StageSeconds)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {seconds:F1} |");
    }
    report.AppendLine(CultureInfo.InvariantCulture, $"| **end to end (process)** | **{run.WallSeconds:F1}** |");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"PTI throughput: {run.Report.Inversion.FrameStepsPerSecond:F2} frame-steps/s ({run.Report.Inversion.Steps} steps). Target ≤ 300 s end to end: {(run.WallSeconds <= 300 ? "met" : "not met")}. Peak memory {run.PeakMegabytes:F0} MB (target ≤ 2048 MB: {(run.PeakMegabytes <= 2048 ? "met" : "not met")}).");
    report.AppendLine();
    report.AppendLine("Its figures (report.json) against the targets:");
    report.AppendLine();
    report.AppendLine("| figure | value | target | met |");
    report.AppendLine("| --- | ---: | ---: | --- |");
    JobReport figures = run.Report;
    void Figure(string name, double value, string format, double target, string targetText) =>
        report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value.ToString(format, CultureInfo.InvariantCulture)} | {targetText} | {(value >= target ? "yes" : "no")} |");
    Figure("PTI gain over the encoder, PSNR dB", figures.Inversion.PsnrGain, "F2", 2.0, "≥ 2");
    Figure("smile score change (input → output)", figures.Edit.AttributeChange.GetValueOrDefault("smile"), "F3", 0.5, "≥ 0.5");
    Figure("identity cosine output vs input, mean", figures.Edit.IdentityCosineMean, "F3", 0.8, "≥ 0.8");
    Figure("TL-ID", figures.TemporalIdentity.Local, "F3", 0.98, "≥ 0.98");
    Figure("boundary error reduction by stitching tuning", figures.Boundary.Reduction, "P0", 0.3, "≥ 30 %");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Boundary error in levels: {figures.Boundary.Plain:F2} plain paste, {figures.Boundary.Tuned:F2} with tuning, " +
        $"{figures.Boundary.Floor:F2} for the input's own aligned crop pasted alike (the floor the generator's crop resolution leaves even for a perfect generator): " +
        $"tuning removed {figures.Boundary.FloorGapRemoved.ToString("P0", CultureInfo.InvariantCulture)} of the error above that floor.");
    report.AppendLine();

    report.AppendLine("## Memory of the streaming stages vs video length (no PTI, 5 stitching iterations)");
    report.AppendLine();
    report.AppendLine("| frames | peak memory MB | seconds |");
    report.AppendLine("| ---: | ---: | ---: |");
    foreach (string clip in new[] { calm, calm192 })
    {
        Console.WriteLine($"streaming stages: {Path.GetFileName(clip)} ...");
        var r = JobRun.Start(clip, streaming);
        report.AppendLine(CultureInfo.InvariantCulture, $"| {r.Report.Video.Frames} | {r.PeakMegabytes:F0} | {r.WallSeconds:F1} |");
    }

    // The workflow's cost and its fan-out, on make demo's counts (the paper's would only lengthen PTI, a single activity).
    var workflowRequest = demo with { Pti = new() { Passes = 10 }, Stitching = new() { Iterations = 30 } };
    Console.WriteLine("workflow: the demo edit (PTI 10 passes, stitching 30 iterations) at parallelism 1 and 2 ...");
    var one = JobRun.Start(calm, workflowRequest, parallel: 1);
    var two = JobRun.Start(calm, workflowRequest, parallel: 2);
    double overhead = one.Spans.OverheadSeconds / one.Spans.OrchestrationSeconds;
    report.AppendLine();
    report.AppendLine("## The workflow: orchestration overhead and fan-out speedup (make demo's counts: PTI 10 passes, stitching 30 iterations)");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"From the workflow's own spans in the job's process. At parallelism 1 the orchestration ran {one.Spans.OrchestrationSeconds:F1} s, of which activities {one.Spans.ActivitySeconds:F1} s: overhead (scheduling, history and status writes) {one.Spans.OverheadSeconds:F2} s = {overhead:P1} of the job (target ≤ 5 %: {(overhead <= 0.05 ? "met" : "not met")}). Orchestration wall time at parallelism 2: {two.Spans.OrchestrationSeconds:F1} s.");
    report.AppendLine();
    report.AppendLine("| stage (wall time, first activity start → last end) | parallelism 1 s | parallelism 2 s | speedup |");
    report.AppendLine("| --- | ---: | ---: | ---: |");
    foreach (var (stage, seconds) in one.Spans.StageWallSeconds)
    {
        double parallelSeconds = two.Spans.StageWallSeconds.GetValueOrDefault(stage);
        report.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {seconds:F2} | {parallelSeconds:F2} | {(parallelSeconds > 0 ? seconds / parallelSeconds : 0):F2}× |");
    }
    report.AppendLine();
    report.AppendLine("PTI runs alone on every core in both; at parallelism 2 each stitching chunk runs on its share of the cores (JobResources.ChunkThreads), so two chunks at once do not fight over them. Stage seconds in report.json are activity time summed over chunks; this table is wall time.");

    string path = Path.Combine(results, "pipeline.md");
    await File.WriteAllTextAsync(path, report.ToString());
    Console.Write(report);
    Console.WriteLine($"wrote {path}");
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}

int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static async Task<int> RunJobAsync(string input, EditRequest request, int parallel)
{
    // As stitch edit does, before the first libtorch call (OpenMpWaitPolicy says why).
    OpenMpWaitPolicy.PreferActiveWaiting();
    using var spans = new SpanRecorder();
    torch.set_num_threads(Environment.ProcessorCount);
    string store = Directory.CreateTempSubdirectory("pipeline-bench-store-").FullName;
    try
    {
        using var catalog = new ModelCatalog(ModelManifest.Load(ModelManifestLocator.Locate(null)));
        var blobs = new FileSystemBlobStore(store);
        string jobId = await new EditJobRunner(blobs, catalog).SubmitAsync(input, request);
        using var resources = new JobResources(blobs, catalog) { ChunkThreads = JobResources.ThreadsPerActivity(parallel) };
        await using (var host = new LocalWorkflowHost(blobs, new WorkflowRegistry().AddEditWorkflow(resources), new LocalWorkflowHostOptions { MaxParallelActivities = parallel }))
        {
            await host.StartAsync(EditOrchestration.OrchestrationName, jobId, new EditOrchestrationInput(jobId));
            var status = await host.WaitForCompletionAsync(jobId);
            if (status.RuntimeStatus != WorkflowRuntimeStatus.Completed)
            {
                throw new InvalidOperationException($"job {jobId} {status.RuntimeStatus}: {status.FailureReason}");
            }
        }
        var report = await blobs.ReadJsonAsync<JobReport>(JobPaths.Container, new JobPaths(jobId).Report, JobBlobs.Json);
        Console.WriteLine(JobRun.Marker + JsonSerializer.Serialize(report, JobBlobs.Json).ReplaceLineEndings(" "));
        Console.WriteLine(JobRun.PeakMarker + PeakMemory.Megabytes().ToString(CultureInfo.InvariantCulture));
        Console.WriteLine(JobRun.SpansMarker + JsonSerializer.Serialize(spans.Times(), JobBlobs.Json).ReplaceLineEndings(" "));
        return 0;
    }
    finally
    {
        Directory.Delete(store, recursive: true);
    }
}
