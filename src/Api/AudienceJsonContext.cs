using System.Text.Json.Serialization;
using Insights.Sinks.Elasticsearch;

namespace Insights.Api;

/// <summary>Source-generated JSON for the audience and member answers: snake_case, absent fields left out.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AudienceAnswer))]
[JsonSerializable(typeof(MemberPropensities))]
public sealed partial class AudienceJsonContext : JsonSerializerContext;
