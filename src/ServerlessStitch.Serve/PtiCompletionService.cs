using Microsoft.Extensions.Hosting;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Serve;

/// <summary>Runs the <see cref="PtiCompletionListener"/> for as long as the server runs (the stand-in for the Functions app's queue trigger).</summary>
internal sealed class PtiCompletionService(PtiCompletionListener listener) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => listener.RunAsync(stoppingToken);
}
