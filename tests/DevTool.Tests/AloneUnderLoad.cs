namespace Insights.DevTool.Tests;

/// <summary>
/// Tests that run the whole pipeline as processes (MariaDB, the broker, workers, capture and sink; the chaos run
/// with kills, the demo with a headless browser): they run one at a time after this assembly's parallel tests, so
/// no other test's processes compete with theirs for two cores, and timeouts sized for a quiet machine hold (a demo
/// test's browser load missed its 30 s beside the chaos run, and again beside the other assemblies' parallel tests).
/// Mark such a test class with both <c>[Collection(AloneUnderLoad.Name)]</c> and
/// <c>[Trait(AloneUnderLoad.Trait, AloneUnderLoad.Value)]</c>: the collection keeps it from this assembly's parallel
/// tests, the trait lets test.sh run it after every other assembly has finished.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneUnderLoad
{
    public const string Name = "alone under load";
    public const string Trait = "Run", Value = "alone";
}
