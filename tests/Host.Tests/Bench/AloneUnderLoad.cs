namespace Insights.Host.Tests.Bench;

/// <summary>
/// Tests that run the whole pipeline as processes under load (MariaDB, the broker, workers, capture and sink, with kills):
/// they run alone, after the parallel tests, so no other test's processes compete with theirs for two cores and theirs
/// do not starve the others' timeouts (a demo test's headless browser missed its 30 s beside the chaos run).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneUnderLoad
{
    public const string Name = "alone under load";
}
