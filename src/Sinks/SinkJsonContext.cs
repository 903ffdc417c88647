using System.Text.Json.Serialization;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Snapshots;

namespace Insights.Sinks;

/// <summary>Source-generated JSON for the sinks' own types: Elasticsearch documents and snapshot manifests.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MemberScoresDocument))]
[JsonSerializable(typeof(AudienceHit))]
// The client hands loosely typed parts of responses (get `fields`, hit metadata) to the source serializer too.
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSerializable(typeof(SnapshotManifest))]
[JsonSerializable(typeof(SnapshotInProgress))]
public sealed partial class SinkJsonContext : JsonSerializerContext;
