using System.Text.Json.Serialization;

namespace Insights.Api;

/// <summary>Source-generated JSON for the page's answers (movies, histogram, stats); the audience answers are in <see cref="AudienceJsonContext"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(MoviesAnswer))]
[JsonSerializable(typeof(ScoreHistogram))]
[JsonSerializable(typeof(StatsAnswer))]
[JsonSerializable(typeof(CampaignSize))]
[JsonSerializable(typeof(ComingSoonComparison))]
[JsonSerializable(typeof(ModelCard))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
