namespace ServerlessStitch.Pipeline.Tests.Stitching;

/// <summary>
/// The stitching tests share the calm data and each tunes generators on both cores, so they run one after another
/// rather than beside each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StitchingTestGroup
{
    public const string Name = "Stitching";
}
