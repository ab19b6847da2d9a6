using ServerlessStitch.Torch.Benchmarks;

// Usage: dotnet run -c Release --project bench/ServerlessStitch.Torch.Benchmarks -- [RESULTS_DIR]
// Writes RESULTS_DIR/torch.md (default bench/results).
var resultsDirectory = args.Length > 0 ? args[0] : Path.Combine("bench", "results");
Directory.CreateDirectory(resultsDirectory);
var report = BindingOverheadBenchmark.Run(Console.Out);
var path = Path.Combine(resultsDirectory, "torch.md");
File.WriteAllText(path, report);
Console.WriteLine($"wrote {path}");
return 0;
