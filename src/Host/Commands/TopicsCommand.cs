using System.CommandLine;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;
using Insights.Host.Configuration;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Microsoft.Extensions.Configuration;

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

        var list = new Command("list", "Print every topic of the manifest with partitions and configs.") { manifestOption };
        list.SetAction(parse =>
        {
            foreach (var topic in LoadManifest(parse.GetValue(manifestOption)!).Topics)
                Console.WriteLine($"{topic.Name,-48} {topic.Partitions,4} {string.Join(" ", topic.KafkaConfig().Select(c => $"{c.Key}={c.Value}"))}");
            return 0;
        });

        var create = new Command("create", "Create every manifest topic with its configs on a Kafka cluster; existing topics are checked, not changed.")
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
            Description = "The processors' application id (names the internal topics).", DefaultValueFactory = _ => WorkerSettings.Defaults.ApplicationId,
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

    /// <summary>
    /// The admin client settings: the Kafka section's security settings (SASL/TLS, e.g. from the Kubernetes secret)
    /// with the servers named by --bootstrap.
    /// </summary>
    public static AdminClientConfig AdminConfig(IConfiguration configuration, string bootstrap)
    {
        var kafka = configuration.Bind<KafkaSettings>(KafkaSettings.Section) with { BootstrapServers = bootstrap };
        if (kafka.Problem() is { } problem) throw new CommandLineError($"configuration: {problem.Replace($"{KafkaSettings.Section}:BootstrapServers", "--bootstrap")}");
        return kafka.ApplyTo(new AdminClientConfig());
    }

    private static async Task<int> CreateAsync(TopicManifest manifest, string bootstrap, short replicationFactor)
    {
        // librdkafka's own connection chatter would bury the one line a failure deserves; its latest error completes that line.
        var errors = new KafkaErrorLog();
        using var admin = new AdminClientBuilder(AdminConfig(new ConfigurationBuilder().AddInsightsSources().Build(), bootstrap))
            .SetLogHandler(errors.Record).Build();
        ManifestTopics.Outcome outcome;
        try { outcome = await ManifestTopics.CreateAsync(admin, manifest, replicationFactor, TimeSpan.FromSeconds(15)); }
        catch (KafkaException e) { throw new CommandLineError($"cannot reach Kafka at {bootstrap}: {errors.Explain(e)}"); }
        foreach (var problem in outcome.Problems) Console.Error.WriteLine($"topics: {problem}");
        // Existing topics are not altered: a config change on a live topic is an operator's decision.
        foreach (var difference in outcome.ConfigDifferences) Console.Error.WriteLine($"topics: {difference} (existing topics are not changed)");
        Console.WriteLine($"topics: {outcome.Created} created, {outcome.Present} already present");
        return outcome.Problems.Count == 0 ? 0 : 1;
    }
}
