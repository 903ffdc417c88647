using Insights.Evaluation.Data;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Insights.TestSupport;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// Where attendance changes went missing between the member tasks and the movie tasks: reads every collective batch
/// on the deltas repartition topic (the local broker neither compacts nor purges it) and compares, per member and movie,
/// what the batches carry with what MariaDB committed, twice: once with every distinct update identity counted, once as
/// a movie task applies them (an update not newer than the newest identity applied from its source partition is skipped).
/// Only the copy on the movie's owning partition counts: other partitions get cells, not the attendance.
/// </summary>
internal static class CollectiveAudit
{
    public static string Report(IReadOnlyList<Attendance> committed, string bootstrap, string applicationId, int partitions)
    {
        var sold = new Dictionary<(int Member, int Movie), int>();
        foreach (var a in committed) sold[(a.MemberId, a.MovieId)] = sold.GetValueOrDefault((a.MemberId, a.MovieId)) + 1;
        var distinct = new Dictionary<(int Member, int Movie), int>();
        var applied = new Dictionary<(int Member, int Movie), int>();
        var seen = new HashSet<(int Source, long Offset, int Index)>();
        long batches = 0, updates = 0, resent = 0, skippedNew = 0;
        var topic = ProcessorTopics.RepartitionTopic(applicationId, ProcessorTopics.CollectiveDeltasRepartition);
        // Per movie partition, the newest identity applied from each source partition, as the movie task keeps it.
        var watermarks = new Dictionary<(int Partition, int Source), (long, int)>();
        // Which update set each watermark, so a skipped new identity can be shown with the one it fell behind.
        var setters = new Dictionary<(int Partition, int Source), (int Member, long Record)>();
        var skips = new List<string>();
        TopicHistory.Read(bootstrap, topic, partitions, (p, record) =>
        {
            batches++;
            var batch = CollectiveBatch.Decode(record.Message.Value);
            var last = watermarks.GetValueOrDefault((p, batch.SourcePartition), (-1L, -1));
            foreach (var u in batch.Updates)
            {
                if (CollectiveBatch.PartitionOf(u.MovieId, partitions) != p) continue;
                updates++;
                var key = (u.MemberId, u.MovieId);
                var identity = (u.EventOffset, u.Index);
                var isNew = seen.Add((batch.SourcePartition, u.EventOffset, u.Index));
                if (isNew) distinct[key] = distinct.GetValueOrDefault(key) + u.Sign;
                else resent++;
                if (identity.CompareTo(last) <= 0)
                {
                    if (isNew && skippedNew++ < 3 && setters.TryGetValue((p, batch.SourcePartition), out var setter))
                        skips.Add($"p{p} source {batch.SourcePartition}: member {u.MemberId} ({u.EventOffset}, {u.Index}) at record {record.Offset.Value} " +
                            $"behind ({last.Item1}, {last.Item2}) of member {setter.Member} at record {setter.Record}");
                    continue;
                }
                applied[key] = applied.GetValueOrDefault(key) + u.Sign;
                last = identity;
                setters[(p, batch.SourcePartition)] = (u.MemberId, record.Offset.Value);
            }
            watermarks[(p, batch.SourcePartition)] = last;
        });
        static (int Short, int Over, List<string> Examples) Compare(Dictionary<(int, int), int> expected, Dictionary<(int, int), int> actual)
        {
            int shortBy = 0, overBy = 0;
            var examples = new List<string>();
            foreach (var key in expected.Keys.Union(actual.Keys))
            {
                var d = actual.GetValueOrDefault(key) - expected.GetValueOrDefault(key);
                if (d == 0) continue;
                if (d < 0) shortBy -= d; else overBy += d;
                if (examples.Count < 3) examples.Add($"member {key.Item1} movie {key.Item2}: {actual.GetValueOrDefault(key)} of {expected.GetValueOrDefault(key)}");
            }
            return (shortBy, overBy, examples);
        }
        var onTopic = Compare(sold, distinct);
        var asApplied = Compare(sold, applied);
        return $"collective audit of {topic}: {batches:N0} batches, {updates:N0} owner updates ({resent:N0} sent again); " +
            $"distinct identities: {onTopic.Short} attendances missing, {onTopic.Over} extra ({string.Join("; ", onTopic.Examples)}); " +
            $"as movie tasks apply them: {asApplied.Short} missing, {asApplied.Over} extra, {skippedNew} new identities skipped as not newer ({string.Join("; ", asApplied.Examples)})" +
            (skips.Count > 0 ? $"; first skips: {string.Join("; ", skips)}" : "");
    }
}
