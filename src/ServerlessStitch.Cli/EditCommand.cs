using System.CommandLine;
using System.Globalization;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Job;
using ServerlessStitch.Pipeline.Stitching;
using ServerlessStitch.Storage;
using ServerlessStitch.Torch;
using ServerlessStitch.Workflow;
using ServerlessStitch.Workflow.Activities;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Cli;

/// <summary>
/// <c>stitch edit INPUT --edit smile=1.5 [-o OUTPUT.mp4] [--data DIR]</c>: the edit orchestration on the local durable
/// host in this process, on the embedded defaults (demo models, the filesystem store under <c>--data</c>), with live
/// progress per stage. Killed and run again with the same arguments, it resumes the same instance (the job id):
/// completed activities are not run again.
/// The job's blobs (output.mp4, compare.mp4, preview.png, report.json and every intermediate) stay under
/// <c>DIR/stitch-jobs/JOB_ID/</c>; the edited video is also copied to <c>-o</c>.
/// </summary>
internal static class EditCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("input") { Description = "The video to edit." };
        var edits = new Option<string[]>("--edit", "-e")
        {
            Description = "An edit NAME[=STEP] (see `stitch models`) or PATH.npy=STEP; repeat for several.",
            Required = true,
        };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write the edited video. Default: INPUT_NAME.edited.mp4 here." };
        var data = new Option<DirectoryInfo>("--data") { Description = "The filesystem blob store.", DefaultValueFactory = _ => new DirectoryInfo(".stitch") };
        var models = CommonOptions.Models();
        var chunk = new Option<int>("--chunk-size") { Description = "Frames per chunk.", DefaultValueFactory = _ => 16 };
        var ptiPasses = new Option<int?>("--pti-passes") { Description = "PTI passes over all frames (default 80, the paper's)." };
        var stitchIterations = new Option<int?>("--stitching-iterations") { Description = "Stitching-tuning iterations per frame (default 100)." };
        var stitchingLoss = new Option<StitchingLoss?>("--stitching-loss") { Description = "Per-pixel error of stitching tuning: L1 (the paper's Eq. 6, the default) or Mse (the reference code's)." };
        var noPti = new Option<bool>("--no-pti") { Description = "Ablation: skip PTI (pretrained generator)." };
        var noStitching = new Option<bool>("--no-stitching-tuning") { Description = "Ablation: paste the edit inside the dilated mask without stitching tuning." };
        var optimizationPivots = new Option<bool>("--optimization-pivots") { Description = "Ablation: per-frame optimisation instead of the encoder." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var parallel = new Option<int>("--parallel") { Description = "Activities running at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("edit", "Edit the face in a video (Stitch it in Time) and write the edited video.")
        {
            input, edits, output, data, models, chunk, ptiPasses, stitchIterations, stitchingLoss, noPti, noStitching, optimizationPivots, threads, parallel,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var request = new EditRequest
            {
                Edits = result.GetValue(edits) ?? [],
                ChunkSize = result.GetValue(chunk),
                TuneGenerator = !result.GetValue(noPti),
                TuneStitching = !result.GetValue(noStitching),
                Pivots = result.GetValue(optimizationPivots) ? PivotSource.Optimization : PivotSource.Encoder,
            };
            if (result.GetValue(ptiPasses) is int passes)
            {
                request = request with { Pti = request.Pti with { Passes = passes } };
            }
            if (result.GetValue(stitchIterations) is int iterations)
            {
                request = request with { Stitching = request.Stitching with { Iterations = iterations } };
            }
            if (result.GetValue(stitchingLoss) is StitchingLoss loss)
            {
                request = request with { Stitching = request.Stitching with { Loss = loss } };
            }
            var inputFile = result.GetValue(input)!;
            var outputFile = result.GetValue(output) ?? new FileInfo(Path.GetFileNameWithoutExtension(inputFile.Name) + ".edited.mp4");
            return RunAsync(inputFile, outputFile, result.GetValue(data)!, result.GetValue(models), request, result.GetValue(threads), result.GetValue(parallel), Console.Out, cancellationToken);
        });
        return command;
    }

    internal static async Task<int> RunAsync(FileInfo input, FileInfo output, DirectoryInfo data, string? modelsPath, EditRequest request,
        int threads, int parallel, TextWriter console, CancellationToken cancellationToken)
    {
        try
        {
            return await EditAsync(input, output, data, modelsPath, request, threads, parallel, console, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (UserError.IsUserError(e))
        {
            await Console.Error.WriteLineAsync($"stitch edit: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    private static async Task<int> EditAsync(FileInfo input, FileInfo output, DirectoryInfo data, string? modelsPath, EditRequest request,
        int threads, int parallel, TextWriter console, CancellationToken cancellationToken)
    {
        // Before the first libtorch call: PTI, the longest stage, is one loop of small kernels (OpenMpWaitPolicy).
        OpenMpWaitPolicy.PreferActiveWaiting();
        torch.set_num_threads(threads);
        var manifest = ModelManifest.Load(ModelManifestLocator.Locate(modelsPath));
        using var catalog = new ModelCatalog(manifest);
        var store = new FileSystemBlobStore(data.FullName);

        string jobId = await new EditJobRunner(store, catalog).SubmitAsync(input.FullName, request, cancellationToken).ConfigureAwait(false);
        console.WriteLine($"job {jobId}: {input.Name}, edits {string.Join(", ", request.Edits)}, model set '{manifest.Name}'");
        var status = await RunOnHostAsync(store, catalog, jobId, parallel, new ProgressDisplay(console, !Console.IsOutputRedirected), cancellationToken).ConfigureAwait(false);
        if (status.RuntimeStatus != WorkflowRuntimeStatus.Completed)
        {
            await Console.Error.WriteLineAsync($"stitch edit: job {jobId} {status.RuntimeStatus}: {status.FailureReason}").ConfigureAwait(false);
            return 1;
        }

        var paths = new JobPaths(jobId);
        var report = await store.ReadJsonAsync<JobReport>(JobPaths.Container, paths.Report, JobBlobs.Json, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(output.DirectoryName!);
        await using (var download = await store.OpenReadAsync(JobPaths.Container, paths.Output, null, cancellationToken).ConfigureAwait(false))
        await using (var file = File.Create(output.FullName + ".partial"))
        {
            await download.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
        File.Move(output.FullName + ".partial", output.FullName, overwrite: true);
        ReportSummary.Write(console, report, output.FullName, Path.Combine(data.FullName, JobPaths.Container, jobId));
        return 0;
    }

    /// <summary>
    /// Starts (or resumes) the job's instance on a local host over the same store and shows its custom status until
    /// it finishes. A job that failed or was terminated before is purged and started again: its finished stages'
    /// blobs stay, so only the unfinished work runs.
    /// </summary>
    private static async Task<WorkflowStatus> RunOnHostAsync(FileSystemBlobStore store, ModelCatalog catalog, string jobId, int parallel,
        ProgressDisplay progress, CancellationToken cancellationToken)
    {
        using var resources = new JobResources(store, catalog) { ChunkThreads = JobResources.ThreadsPerActivity(parallel) };
        await using var host = new LocalWorkflowHost(store, new WorkflowRegistry().AddEditWorkflow(resources),
            new LocalWorkflowHostOptions { MaxParallelActivities = parallel });
        if (await host.GetStatusAsync(jobId, cancellationToken).ConfigureAwait(false) is { RuntimeStatus: WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated })
        {
            await host.PurgeAsync(jobId, cancellationToken).ConfigureAwait(false);
        }
        await host.StartAsync(EditOrchestration.OrchestrationName, jobId, new EditOrchestrationInput(jobId), cancellationToken).ConfigureAwait(false);
        EditStatus? shown = null;
        while (true)
        {
            var status = await host.GetStatusAsync(jobId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The workflow instance of job {jobId} disappeared.");
            var current = status.ReadCustomStatus<EditStatus>();
            // Polling can miss a stage's last count: a stage that gave way to the next (or to the end) is complete.
            if (shown is not null && shown.Done < shown.Total && (current?.Stage != shown.Stage || status.RuntimeStatus == WorkflowRuntimeStatus.Completed))
            {
                progress.Report(new StageProgress(shown.Stage, shown.Total, shown.Total));
            }
            if (current is not null && current != shown && current.Stage != "done")
            {
                progress.Report(new StageProgress(current.Stage, current.Done, current.Total));
            }
            shown = current;
            if (status.IsTerminal)
            {
                return status;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }
}
