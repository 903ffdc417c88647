namespace Insights.Processors.Topology;

/// <summary>The outcome of reading one source record: a value, or the dead letter it became.</summary>
public sealed record Parsed<T>(T? Value, Routed? Failure) where T : class
{
    public bool Failed => Failure is not null;
}
