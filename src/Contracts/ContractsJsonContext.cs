using System.Text.Json.Serialization;
using Insights.Contracts.Commands;
using Insights.Contracts.Debezium;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;

namespace Insights.Contracts;

/// <summary>Source-generated JSON for every contract type: no reflection at run time.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TopicManifest))]
[JsonSerializable(typeof(SourceInfo))]
[JsonSerializable(typeof(ScoreUpdate))]
[JsonSerializable(typeof(RescoreCommand))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
