using System.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Contracts.Topics;

namespace Insights.Host.Commands;

/// <summary>`insights topics list|create`: the topic manifest, and creating it on a real Kafka cluster.</summary>
public static class TopicsCommand
{
    public static Command Create()
    {
        var manifestOption = new Option<FileInfo>("--manifest")
        {
            Description = "Topic manifest (JSON).",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(RepositoryRoot.Find(), "stack", "topics.json")),
        };
        var bootstrapOption = new Option<string>("--bootstrap") { Description = "Kafka bootstrap servers (host:port,...).", Required = true };
        var replicationOption = new Option<short>("--replication-factor") { Description = "Replicas per partition.", DefaultValueFactory = _ => 3 };

        var list = new Command("list", "Print every topic of the manifest with partitions and cleanup policy.") { manifestOption };
        list.SetAction(parse =>
        {
            foreach (var topic in LoadManifest(parse.GetValue(manifestOption)!).Topics)
                Console.WriteLine($"{topic.Name,-40} {topic.Partitions,4} {topic.Cleanup.ToString().ToLowerInvariant()}");
            return 0;
        });

        var create = new Command("create", "Create every manifest topic on a Kafka cluster; existing topics are checked, not changed.")
        {
            manifestOption, bootstrapOption, replicationOption,
        };
        create.SetAction(async (parse, ct) => await CreateAsync(LoadManifest(parse.GetValue(manifestOption)!),
            parse.GetValue(bootstrapOption)!, parse.GetValue(replicationOption)));

        var outOption = new Option<FileInfo>("--out") { Description = "Where to write the manifest (JSON).", Required = true };
        var partitionsOption = new Option<int>("--partitions")
        {
            Description = "Partitions of the member-keyed topics (the processors' unit of scale-out).", DefaultValueFactory = _ => 16,
        };
        var applicationOption = new Option<string>("--application-id")
        {
            Description = "The processors' application id (names the internal topics).", DefaultValueFactory = _ => "insights-processors",
        };
        var prefixOption = new Option<string>("--topic-prefix")
        {
            Description = "Debezium topic prefix of the CDC topics.", DefaultValueFactory = _ => Contracts.Cinema.CinemaTables.DefaultTopicPrefix,
        };
        var manifest = new Command("manifest", "Generate the manifest from the processors' topology: sources, sinks, internal changelog and repartition topics.")
        {
            outOption, partitionsOption, applicationOption, prefixOption,
        };
        manifest.SetAction(parse =>
        {
            var partitions = parse.GetValue(partitionsOption);
            if (partitions is < 1 or > 1000) throw new CommandLineError($"--partitions must be 1..1000, got {partitions}");
            var generated = Processors.Manifest.ProcessorManifest.For(parse.GetValue(applicationOption)!, parse.GetValue(prefixOption)!, partitions);
            var file = parse.GetValue(outOption)!;
            generated.Save(file.FullName);
            Console.WriteLine($"topics: {generated.Topics.Count} topics written to {file.FullName}");
            return 0;
        });

        return new Command("topics", "The Kafka topics Insights reads and writes.") { list, create, manifest };
    }

    private static TopicManifest LoadManifest(FileInfo file) =>
        file.Exists ? TopicManifest.Load(file.FullName) : throw new CommandLineError($"topic manifest {file.FullName} not found");

    private static async Task<int> CreateAsync(TopicManifest manifest, string bootstrap, short replicationFactor)
    {
        // librdkafka's own connection chatter would bury the one line a failure deserves.
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap })
            .SetLogHandler((_, _) => { }).Build();
        Dictionary<string, int> existing;
        try { existing = admin.GetMetadata(TimeSpan.FromSeconds(15)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count); }
        catch (KafkaException e) { throw new CommandLineError($"cannot reach Kafka at {bootstrap}: {e.Error.Reason}"); }
        var failures = 0;
        foreach (var topic in manifest.Topics.Where(t => existing.TryGetValue(t.Name, out var count) && count != t.Partitions))
        {
            Console.Error.WriteLine($"topics: {topic.Name} exists with {existing[topic.Name]} partitions, the manifest says {topic.Partitions}");
            failures++;
        }
        var missing = manifest.Topics.Where(t => !existing.ContainsKey(t.Name)).Select(t => new TopicSpecification
        {
            Name = t.Name,
            NumPartitions = t.Partitions,
            ReplicationFactor = replicationFactor,
            Configs = new() { ["cleanup.policy"] = t.Cleanup == CleanupPolicy.Compact ? "compact" : "delete" },
        }).ToList();
        if (missing.Count > 0)
        {
            try { await admin.CreateTopicsAsync(missing); }
            catch (CreateTopicsException e)
            {
                foreach (var result in e.Results.Where(r => r.Error.IsError && r.Error.Code != ErrorCode.TopicAlreadyExists))
                {
                    Console.Error.WriteLine($"topics: creating {result.Topic} failed: {result.Error.Reason}");
                    failures++;
                }
            }
        }
        Console.WriteLine($"topics: {missing.Count} created, {manifest.Topics.Count - missing.Count} already present");
        return failures == 0 ? 0 : 1;
    }
}
