using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Contracts.Topics;

namespace Insights.Processors.Manifest;

/// <summary>
/// Creates a manifest's topics on a Kafka cluster with their partitions and configs. Topics that exist are
/// checked, not changed: a different partition count is a failure (keys would move partitions), a config that
/// differs from the manifest is reported so an operator can alter it on purpose.
/// </summary>
public static class ManifestTopics
{
    /// <summary>The CreateTopics request for the topics not in <paramref name="existing"/>.</summary>
    public static List<TopicSpecification> Specifications(TopicManifest manifest, short replicationFactor, ISet<string>? existing = null)
    {
        if (replicationFactor < 1) throw new ArgumentOutOfRangeException(nameof(replicationFactor), replicationFactor, "replication factor must be at least 1");
        return manifest.Topics.Where(t => existing is null || !existing.Contains(t.Name)).Select(t => new TopicSpecification
        {
            Name = t.Name,
            NumPartitions = t.Partitions,
            ReplicationFactor = replicationFactor,
            Configs = new Dictionary<string, string>(t.KafkaConfig()),
        }).ToList();
    }

    /// <summary>
    /// What creating the manifest did: topics created, present, the problems found (empty when all is well) and the
    /// configs of existing topics that differ from the manifest (or why they could not be checked).
    /// </summary>
    public sealed record Outcome(int Created, int Present, IReadOnlyList<string> Problems, IReadOnlyList<string> ConfigDifferences);

    public static async Task<Outcome> CreateAsync(IAdminClient admin, TopicManifest manifest, short replicationFactor, TimeSpan timeout)
    {
        var existing = admin.GetMetadata(timeout).Topics.Where(t => t.Error.Code == ErrorCode.NoError)
            .ToDictionary(t => t.Topic, t => t.Partitions.Count);
        var problems = manifest.Topics.Where(t => existing.TryGetValue(t.Name, out var count) && count != t.Partitions)
            .Select(t => $"{t.Name} exists with {existing[t.Name]} partitions, the manifest says {t.Partitions}").ToList();
        var missing = Specifications(manifest, replicationFactor, existing.Keys.ToHashSet());
        if (missing.Count > 0)
        {
            try { await admin.CreateTopicsAsync(missing); }
            catch (CreateTopicsException e)
            {
                problems.AddRange(e.Results.Where(r => r.Error.IsError && r.Error.Code != ErrorCode.TopicAlreadyExists)
                    .Select(r => $"creating {r.Topic} failed: {r.Error.Reason}"));
            }
        }
        var present = manifest.Topics.Where(t => existing.ContainsKey(t.Name)).ToList();
        List<string> differences;
        try { differences = present.Count == 0 ? [] : await ConfigDifferencesAsync(admin, present); }
        catch (KafkaException e)
        {
            // A broker without DescribeConfigs (librdkafka's mock cluster) cannot say: the check is skipped, loudly.
            differences = [$"configs of the {present.Count} existing topics not checked: {e.Error.Reason}"];
        }
        return new Outcome(missing.Count, present.Count, problems, differences);
    }

    /// <summary>Each manifest config an existing topic holds with another value, as "topic: key is X, the manifest says Y".</summary>
    public static async Task<List<string>> ConfigDifferencesAsync(IAdminClient admin, IReadOnlyList<TopicSpec> topics)
    {
        var described = await admin.DescribeConfigsAsync(topics.Select(t => new ConfigResource { Type = ResourceType.Topic, Name = t.Name }));
        var byName = described.ToDictionary(d => d.ConfigResource.Name);
        var differences = new List<string>();
        foreach (var topic in topics)
            foreach (var (key, want) in topic.KafkaConfig())
            {
                var have = byName.TryGetValue(topic.Name, out var result) && result.Entries.TryGetValue(key, out var entry) ? entry.Value : null;
                if (have != want) differences.Add($"config of {topic.Name}: {key} is {have ?? "unset"}, the manifest says {want}");
            }
        return differences;
    }
}
