using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Contracts.Topics;
using Insights.Fixtures;
using Insights.Fixtures.Kafka;
using Insights.Processors.Manifest;
using Testcontainers.Kafka;

namespace Insights.Processors.Tests.Manifest;

/// <summary>
/// `insights topics create`: the CreateTopics request built from the manifest, and (with a Docker engine) the
/// topics a real Kafka broker ends up with. The mock broker has no CreateTopics and ignores configs, so only a
/// real broker can show the configs took effect.
/// </summary>
public sealed class ManifestTopicsBroker() : KafkaBroker(ProcessorManifest.For("insights-processors", "cdc", 4));

public sealed class ManifestTopicsTests(ManifestTopicsBroker broker) : IClassFixture<ManifestTopicsBroker>
{
    private static readonly TopicManifest Manifest = ProcessorManifest.For("insights-processors", "cdc", 4);

    [Fact]
    public void The_request_creates_every_topic_with_its_partitions_replicas_and_configs()
    {
        var request = ManifestTopics.Specifications(Manifest, 3);

        Assert.Equal(Manifest.Topics.Select(t => t.Name), request.Select(r => r.Name));
        Assert.All(request, r => Assert.Equal(3, r.ReplicationFactor));
        Assert.All(Manifest.Topics.Zip(request), pair =>
        {
            Assert.Equal(pair.First.Partitions, pair.Second.NumPartitions);
            Assert.Equal(pair.First.KafkaConfig(), pair.Second.Configs);
        });
        var scores = request.Single(r => r.Name == TopicNames.Scores);
        Assert.Equal("compact", scores.Configs["cleanup.policy"]);
        var tickets = request.Single(r => r.Name == "cdc.cinema.tickets");
        Assert.Equal("-1", tickets.Configs["retention.ms"]);
    }

    [Fact]
    public void Existing_topics_are_left_out_of_the_request()
    {
        var request = ManifestTopics.Specifications(Manifest, 1, new HashSet<string> { TopicNames.Scores, TopicNames.DeadLetter });

        Assert.Equal(Manifest.Topics.Count - 2, request.Count);
        Assert.DoesNotContain(request, r => r.Name is TopicNames.Scores or TopicNames.DeadLetter);
    }

    [Fact]
    public void A_replication_factor_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ManifestTopics.Specifications(Manifest, 0));
    }

    [Fact]
    public async Task Topics_that_exist_are_checked_and_left_alone()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        var outcome = await ManifestTopics.CreateAsync(admin, Manifest, 1, TimeSpan.FromSeconds(30));

        Assert.Empty(outcome.Problems);
        Assert.Equal((0, Manifest.Topics.Count), (outcome.Created, outcome.Present));
        if (broker.IsMock) Assert.Contains(outcome.ConfigDifferences, d => d.Contains("not checked")); // the mock has no DescribeConfigs
        else Assert.Empty(outcome.ConfigDifferences);
    }

    [Fact]
    public async Task A_partition_count_other_than_the_manifests_is_a_problem_naming_the_topic()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var wider = new TopicManifest([.. Manifest.Topics.Select(t => t.Name == TopicNames.Scores ? t with { Partitions = 8 } : t)]);

        var outcome = await ManifestTopics.CreateAsync(admin, wider, 1, TimeSpan.FromSeconds(30));

        var problem = Assert.Single(outcome.Problems);
        Assert.Contains($"{TopicNames.Scores} exists with 4 partitions, the manifest says 8", problem);
    }

    [Fact]
    public async Task A_real_broker_holds_every_topic_with_the_manifests_configs()
    {
        if (!DockerEngine.IsAvailable) Assert.Skip("no Docker engine: the mock broker ignores topic configs, only real Kafka can show them");
        await using var kafka = new KafkaBuilder(KafkaBroker.KafkaImage).Build();
        await kafka.StartAsync(TestContext.Current.CancellationToken);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.GetBootstrapAddress() }).Build();

        var outcome = await ManifestTopics.CreateAsync(admin, Manifest, 1, TimeSpan.FromSeconds(30));

        Assert.Empty(outcome.Problems);
        Assert.Equal(Manifest.Topics.Count, outcome.Created);
        Assert.Empty(await ManifestTopics.ConfigDifferencesAsync(admin, Manifest.Topics));
        var again = await ManifestTopics.CreateAsync(admin, Manifest, 1, TimeSpan.FromSeconds(30));
        Assert.Equal((0, Manifest.Topics.Count), (again.Created, again.Present));
        Assert.Empty(again.ConfigDifferences);
    }
}
