using System.Text.Json;
using System.Text.Json.Serialization;
using Insights.Evaluation.Metrics;
using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Reports;

/// <summary>
/// One line of `evaluate --json`. Audience lift is null under protocols that do not define it; ECE is null for
/// methods whose scores only rank and are not probabilities; the seconds are null where the protocol does not time
/// the method on its own (prequential: the methods advance together, event by event). Subsets are the protocol's
/// cold-start groups of test events (LLO; empty under prequential), with null figures for a group with no events.
/// </summary>
public sealed record MethodSummary(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("members")] int Members,
    [property: JsonPropertyName("hr@10")] double HitRate10,
    [property: JsonPropertyName("ndcg@10")] double Ndcg10,
    [property: JsonPropertyName("audience_lift@10")] double? AudienceLift10,
    [property: JsonPropertyName("ece")] double? Ece,
    [property: JsonPropertyName("fit_seconds")] double? FitSeconds,
    [property: JsonPropertyName("rank_seconds")] double? RankSeconds,
    [property: JsonPropertyName("subsets")] IReadOnlyList<SubsetSummary> Subsets)
{
    public static MethodSummary Of(MethodResult result, IReadOnlyList<TestSubset> subsets) =>
        new(result.Method, result.Members, Math.Round(result.HitRate(10), 4), Math.Round(result.Ndcg(10), 4),
            result.AudienceLift10 is { } lift ? Math.Round(lift, 2) : null,
            result.Calibration?.ExpectedCalibrationError() is { } ece ? Math.Round(ece, EceDecimals) : null,
            result.Timing is { } fit ? Math.Round(fit.Fit.TotalSeconds, 3) : null,
            result.Timing is { } rank ? Math.Round(rank.Rank.TotalSeconds, 3) : null,
            [.. subsets.Select(subset => SubsetSummary.Of(subset, result))]);

    // Candidate probabilities average about 0.001, so the ECE is small: 8 decimals keep 4-5 significant digits.
    private const int EceDecimals = 8;

    public static string ToJson(EvaluationResult result) =>
        JsonSerializer.Serialize(result.Methods.Select(m => Of(m, result.Subsets)).ToList(), MethodSummaryJson.Default.ListMethodSummary);
}

/// <summary>A method's HR@10 and NDCG@10 on one group of test events.</summary>
public sealed record SubsetSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("events")] int Events,
    [property: JsonPropertyName("hr@10")] double? HitRate10,
    [property: JsonPropertyName("ndcg@10")] double? Ndcg10)
{
    public static SubsetSummary Of(TestSubset subset, MethodResult method) => subset.Cases.Count == 0
        ? new(subset.Name, 0, null, null)
        : new(subset.Name, subset.Cases.Count, Math.Round(Ranking.HitRate(subset.RanksOf(method), 10), 4), Math.Round(Ranking.Ndcg(subset.RanksOf(method), 10), 4));
}

[JsonSerializable(typeof(List<MethodSummary>))]
internal sealed partial class MethodSummaryJson : JsonSerializerContext;
