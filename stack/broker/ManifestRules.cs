using Insights.Contracts.Topics;

namespace Insights.Broker;

/// <summary>What a topic manifest must satisfy before a cluster is built from it; errors name file and topic.</summary>
internal static class ManifestRules
{
    public static void Validate(TopicManifest manifest, string path)
    {
        if (manifest.Topics is null) throw new InvalidDataException($"manifest {path}: no \"topics\" list");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in manifest.Topics)
        {
            if (string.IsNullOrWhiteSpace(topic.Name)) throw new InvalidDataException($"manifest {path}: a topic has no name");
            if (topic.Partitions < 1)
                throw new InvalidDataException($"manifest {path}: topic '{topic.Name}' has {topic.Partitions} partitions (\"partitions\" must be at least 1)");
            if (!seen.Add(topic.Name)) throw new InvalidDataException($"manifest {path}: topic '{topic.Name}' is listed twice");
        }
    }
}
