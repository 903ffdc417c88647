namespace Insights.Evaluation.Protocols;

/// <summary>A named part of a protocol's test cases, as positions into every method's <see cref="MethodResult.Ranks"/>.</summary>
public sealed record TestSubset(string Name, IReadOnlyList<int> Cases)
{
    /// <summary>Every one of a run's <paramref name="cases"/> test cases.</summary>
    public static TestSubset All(int cases) => new("all", [.. Enumerable.Range(0, cases)]);

    public IReadOnlyList<int> RanksOf(MethodResult method) => [.. Cases.Select(c => method.Ranks[c])];
}
