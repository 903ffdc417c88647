using System.Text.Json;
using System.Text.Json.Serialization;

namespace Insights.Contracts.Topics;

/// <summary>How Kafka may clean a topic up: keep everything for a time, or keep the newest value per key.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CleanupPolicy>))]
public enum CleanupPolicy { Delete, Compact }

/// <summary>One topic the system reads or writes, with the partition count it must be created with.</summary>
public sealed record TopicSpec(string Name, int Partitions, CleanupPolicy Cleanup = CleanupPolicy.Delete);

/// <summary>
/// Every topic a deployment needs. The local broker pre-creates exactly these (its mock cluster has no
/// CreateTopics) and `insights topics create` creates them on a real cluster, so both see one list.
/// </summary>
public sealed record TopicManifest(IReadOnlyList<TopicSpec> Topics)
{
    public static TopicManifest Load(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize(stream, ContractsJsonContext.Default.TopicManifest)
            ?? throw new InvalidDataException($"{path}: empty topic manifest");
    }

    public void Save(string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(this, ContractsJsonContext.Default.TopicManifest));
}
