using System.Text.Json.Serialization;

namespace Insights.Contracts.Topics;

/// <summary>
/// One partition's offsets: records [Low, High) are still held. <paramref name="Consumed"/> is the committed offset of
/// the group that purges the topic (<see cref="TopicSpec.PurgedBy"/>), 0 for any other topic: records below it were
/// read and may go. Low above it means records were dropped unread.
/// </summary>
public sealed record PartitionWatermark(string Topic, int Partition, long Low, long High, long Consumed = 0)
{
    public bool Trimmed => Low > Consumed;

    /// <summary>Records gone from the partition's start that its purging group had already committed.</summary>
    public bool Purged => Low > 0 && !Trimmed;

    /// <summary>What a trim lost, in one line for logs and assertion messages.</summary>
    [JsonIgnore]
    public string TrimProblem => Consumed > 0
        ? $"topic {Topic} partition {Partition} low watermark {Low}, above its group's committed offset {Consumed}: {WatermarkReport.TrimExplanation}"
        : $"topic {Topic} partition {Partition} low watermark {Low}: {WatermarkReport.TrimExplanation}";
}

/// <summary>A manifest topic that exists with a different partition count than the manifest says.</summary>
public sealed record PartitionCountMismatch(string Topic, int Expected, int Actual);

/// <summary>
/// Every partition's watermarks at one moment, and what is wrong with them against the manifest: trimmed
/// partitions (records lost), missing topics, wrong partition counts.
/// </summary>
public sealed record WatermarkReport(
    DateTimeOffset CheckedAt,
    IReadOnlyList<PartitionWatermark> Partitions,
    IReadOnlyList<string> MissingTopics,
    IReadOnlyList<PartitionCountMismatch> PartitionCountMismatches)
{
    public const string TrimExplanation = "records lost: the mock keeps only the newest 5 MiB per partition";

    public IReadOnlyList<PartitionWatermark> Trimmed => [.. Partitions.Where(p => p.Trimmed)];

    public bool Healthy => Trimmed.Count == 0 && MissingTopics.Count == 0 && PartitionCountMismatches.Count == 0;

    /// <summary>One line per problem, for logs and assertion messages.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var p in Trimmed)
            yield return p.TrimProblem;
        foreach (var t in MissingTopics)
            yield return $"topic {t} is in the manifest but not on the broker";
        foreach (var m in PartitionCountMismatches)
            yield return $"topic {m.Topic} has {m.Actual} partitions, the manifest says {m.Expected}";
    }
}
