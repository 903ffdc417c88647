using System.Text.Json;
using System.Text.Json.Serialization;
using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Reports;

/// <summary>One line of `evaluate --json`. Audience lift is null under protocols that do not define it.</summary>
public sealed record MethodSummary(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("members")] int Members,
    [property: JsonPropertyName("hr@10")] double HitRate10,
    [property: JsonPropertyName("ndcg@10")] double Ndcg10,
    [property: JsonPropertyName("audience_lift@10")] double? AudienceLift10)
{
    public static MethodSummary Of(MethodResult result) =>
        new(result.Method, result.Members, Math.Round(result.HitRate(10), 4), Math.Round(result.Ndcg(10), 4),
            result.AudienceLift10 is { } lift ? Math.Round(lift, 2) : null);

    public static string ToJson(EvaluationResult result) =>
        JsonSerializer.Serialize(result.Methods.Select(Of).ToList(), MethodSummaryJson.Default.ListMethodSummary);
}

[JsonSerializable(typeof(List<MethodSummary>))]
internal sealed partial class MethodSummaryJson : JsonSerializerContext;
