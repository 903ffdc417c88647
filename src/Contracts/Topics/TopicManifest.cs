using System.Text.Json;
using System.Text.Json.Serialization;

namespace Insights.Contracts.Topics;

/// <summary>How Kafka may clean a topic up: keep everything for a time, or keep the newest value per key.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CleanupPolicy>))]
public enum CleanupPolicy { Delete, Compact }

/// <summary>
/// One topic the system reads or writes, with the partition count it must be created with, its cleanup policy
/// and any further Kafka topic configs it needs (e.g. <c>retention.ms</c> = <c>-1</c> for a log that must be
/// kept whole). <see cref="Config"/> never holds <c>cleanup.policy</c>: that is <see cref="Cleanup"/>.
/// <see cref="PurgedBy"/> names the consumer group that deletes the records it has committed, as a Kafka Streams
/// application does on its repartition topics: records below that group's committed offset may be gone without loss.
/// It is not a Kafka topic config. A trim check cannot tell a record the group read from one it skipped because the
/// broker dropped it first (the consumer resets to the new start and commits past it), so runs that rely on it also
/// compare their results with a replay.
/// </summary>
public sealed record TopicSpec(string Name, int Partitions, CleanupPolicy Cleanup = CleanupPolicy.Delete,
    IReadOnlyDictionary<string, string>? Config = null, string? PurgedBy = null)
{
    public const string CleanupPolicyKey = "cleanup.policy";
    public const string RetentionMsKey = "retention.ms";

    /// <summary>Every config to create the topic with: <c>cleanup.policy</c> from <see cref="Cleanup"/>, then <see cref="Config"/>.</summary>
    public IReadOnlyDictionary<string, string> KafkaConfig()
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [CleanupPolicyKey] = Cleanup == CleanupPolicy.Compact ? "compact" : "delete",
        };
        foreach (var (key, value) in Config ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(key)) throw new InvalidDataException($"topic '{Name}': a config has an empty name");
            if (key == CleanupPolicyKey)
                throw new InvalidDataException($"topic '{Name}': config '{CleanupPolicyKey}' belongs in \"cleanup\", not in \"config\"");
            if (string.IsNullOrWhiteSpace(value)) throw new InvalidDataException($"topic '{Name}': config '{key}' has no value");
            all[key] = value;
        }
        return all;
    }

    // Records compare dictionaries by reference; a manifest read back from JSON must equal the one written.
    public bool Equals(TopicSpec? other) =>
        other is not null && Name == other.Name && Partitions == other.Partitions && Cleanup == other.Cleanup
        && PurgedBy == other.PurgedBy && KafkaConfig().SequenceEqual(other.KafkaConfig());

    public override int GetHashCode() => HashCode.Combine(Name, Partitions, Cleanup);
}

/// <summary>
/// Every topic a deployment needs. The local broker pre-creates exactly these (its mock cluster has no
/// CreateTopics) and `insights topics create` creates them on a real cluster, so both see one list.
/// </summary>
public sealed record TopicManifest(IReadOnlyList<TopicSpec> Topics)
{
    public static TopicManifest Load(string path)
    {
        using var stream = File.OpenRead(path);
        var manifest = JsonSerializer.Deserialize(stream, ContractsJsonContext.Default.TopicManifest)
            ?? throw new InvalidDataException($"{path}: empty topic manifest");
        try
        {
            foreach (var topic in manifest.Topics ?? []) topic.KafkaConfig();
        }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
        return manifest;
    }

    /// <summary>The spec of the named topic; throws naming it when the manifest lacks it.</summary>
    public TopicSpec this[string name] =>
        Topics.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"topic '{name}' is not in the manifest");

    public void Save(string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(this, ContractsJsonContext.Default.TopicManifest));
}
