using System.Text.Json.Serialization;
using Insights.Contracts.Topics;

namespace Insights.Broker.Watermarks;

/// <summary>Source-generated JSON for the status file (snake_case like every contract of the project).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(WatermarkReport))]
public sealed partial class BrokerJsonContext : JsonSerializerContext;
