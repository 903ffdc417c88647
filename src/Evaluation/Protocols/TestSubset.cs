namespace Insights.Evaluation.Protocols;

/// <summary>A named part of a protocol's test cases, as positions into every method's <see cref="MethodResult.Ranks"/>.</summary>
public sealed record TestSubset(string Name, IReadOnlyList<int> Cases)
{
    public IReadOnlyList<int> RanksOf(MethodResult method) => [.. Cases.Select(c => method.Ranks[c])];
}
