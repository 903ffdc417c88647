using System.CommandLine;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Commands;
using Insights.Contracts.Topics;
using Insights.Host.Configuration;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Hosting;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Commands;

/// <summary>`insights snapshot list|take|restore`: the score snapshots in the configured store (section Snapshots, S3).</summary>
public static class SnapshotCommand
{
    public static Command Create()
    {
        var list = new Command("list", "Print every complete snapshot, oldest first: id, time, members, files, bytes.");
        list.SetAction(async (parse, ct) =>
        {
            var (settings, catalog) = Open(needKafka: false);
            var manifests = await catalog.ListAsync(ct);
            if (manifests.Count == 0) Console.WriteLine($"snapshot: none at {settings.Snapshots.Prefix}");
            foreach (var m in manifests)
                Console.WriteLine($"{m.Id}  {DateTimeOffset.FromUnixTimeMilliseconds(m.CreatedAtMs):u}  {m.Members,9} members  " +
                                  $"{m.Files.Count,3} files  {m.Files.Sum(f => f.Bytes),12} bytes  offsets {string.Join(",", m.Files.Select(f => $"{f.Partition}:{f.EndOffset}"))}");
            return 0;
        });

        var take = new Command("take", "Take one snapshot of the scores topic now (data files, then the manifest, then retention).");
        take.SetAction(async (parse, ct) =>
        {
            var (settings, _) = Open(needKafka: true);
            var manifest = await new SnapshotWriter(new ScoreTopicState(settings.Kafka), settings.Snapshots.CreateStore(settings.S3), settings.Snapshots).TakeAsync(ct);
            Console.WriteLine($"snapshot {manifest.Id}: {manifest.Members} members in {manifest.Files.Count} files");
            return 0;
        });

        var to = new Option<string>("--to") { Description = "Where to restore: elasticsearch (the score alias) or topic (the scores topic).", Required = true };
        to.AcceptOnlyFromAmong("elasticsearch", "topic");
        var id = new Option<string?>("--id") { Description = "Snapshot id (see `snapshot list`); the newest when omitted." };
        var force = new Option<bool>("--force")
        {
            Description = "With --to topic: restore even into a topic that already holds records (by default a non-empty topic is refused).",
        };
        var noRescore = new Option<bool>("--no-rescore")
        {
            Description = "Do not ask the workers to re-send every member's current scores after the restore (by default a rescore command " +
                          $"goes to {TopicNames.ProcessorCommands}, honoured by workers now running or when they next start).",
        };
        var restore = new Command("restore", "Rebuild the Elasticsearch index or the scores topic from a snapshot (checksums verified), " +
                                             "then ask the workers to re-send every member's current scores.") { to, id, force, noRescore };
        restore.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(to)!;
            var rescore = !parse.GetValue(noRescore);
            var (settings, catalog) = Open(needKafka: target == "topic" || rescore);
            SnapshotManifest manifest;
            try { manifest = await catalog.GetAsync(parse.GetValue(id), ct); }
            catch (SnapshotNotFoundException e) { throw new CommandLineError(e.Message); }
            var restorer = new SnapshotRestore(catalog);
            long members;
            if (target == "elasticsearch")
            {
                var client = settings.Elasticsearch.CreateClient();
                await new ScoreIndex(client, settings.Elasticsearch).EnsureAsync(ct);
                members = await restorer.ToElasticsearchAsync(manifest, new ScoreIndexWriter(client, settings.Elasticsearch), ct);
            }
            else
            {
                try { members = await restorer.ToTopicAsync(manifest, settings.Kafka, TopicNames.Scores, parse.GetValue(force), ct); }
                catch (RestoreTargetNotEmptyException e) { throw new CommandLineError($"snapshot restore: {e.Message}"); }
            }
            Console.WriteLine($"snapshot {manifest.Id}: restored {members} members to {target}");
            if (!rescore)
            {
                Console.WriteLine($"snapshot {manifest.Id}: the workers were not asked to rescore (--no-rescore); members keep the restored scores until their next change");
                return 0;
            }
            // The snapshot may be older than the workers' state, and a worker sends a member's scores only when they change.
            var command = RescoreCommand.New($"snapshot {manifest.Id} restored to {target}");
            try { await RescoreCommandProducer.SendAsync(settings.Kafka, command, ct); }
            catch (ProduceException<string, byte[]> e)
            {
                throw new CommandLineError($"snapshot restore: the snapshot is restored, but the rescore command could not be written to " +
                                           $"{TopicNames.ProcessorCommands}: {e.Error.Reason} (create the topic with `insights topics create`, then restore again)");
            }
            Console.WriteLine($"snapshot {manifest.Id}: asked the workers to re-send every member's current scores " +
                              $"(rescore command {command.Id} on {TopicNames.ProcessorCommands})");
            return 0;
        });

        return new Command("snapshot", "Score snapshots: list them, take one, restore one into Elasticsearch or the topic.") { list, take, restore };
    }

    private static (SinkSettings Settings, SnapshotCatalog Catalog) Open(bool needKafka)
    {
        var settings = SinkSettings.Load(new ConfigurationBuilder().AddInsightsSources().Build(), needKafka);
        return (settings, new SnapshotCatalog(settings.Snapshots.CreateStore(settings.S3), settings.Snapshots.Prefix));
    }
}
