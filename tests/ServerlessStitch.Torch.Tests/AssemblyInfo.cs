// The live-tensor counters and the thread count are process-wide: tests that read them must not overlap.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
