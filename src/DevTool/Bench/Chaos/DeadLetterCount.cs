using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.TestSupport;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// The dead letters on the broker by stage, with the first error of each: the chaos run feeds no bad input, so any dead
/// letter is a good record lost (a ticket that waited too long for its session during a recovery, a batch too large).
/// </summary>
internal static class DeadLetterCount
{
    public static IReadOnlyList<(string Stage, int Count, string FirstError)> Read(string bootstrap)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var partitions = admin.GetMetadata(TopicNames.DeadLetter, TimeSpan.FromSeconds(10)).Topics[0].Partitions.Count;
        var stages = new Dictionary<string, (int Count, string FirstError)>();
        TopicHistory.Read(bootstrap, TopicNames.DeadLetter, partitions, (_, record) =>
        {
            var stage = Header(record, DeadLetterHeaders.Stage) ?? "(no stage)";
            stages[stage] = stages.TryGetValue(stage, out var seen) ? (seen.Count + 1, seen.FirstError) : (1, Header(record, DeadLetterHeaders.Error) ?? "");
        });
        return [.. stages.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value.Count, s.Value.FirstError))];
    }

    private static string? Header(ConsumeResult<byte[], byte[]> record, string name) =>
        record.Message.Headers?.TryGetLastBytes(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;
}
