using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Contracts.Topics;
using Insights.TestSupport;
using Testcontainers.Kafka;

namespace Insights.Fixtures.Kafka;

/// <summary>
/// A Kafka broker with exactly the test's topics, as an xunit v3 class or collection fixture: derive a
/// sealed class that passes the manifest, e.g. <c>public sealed class CountTopics() : KafkaBroker(Manifest);</c>.
/// With a Docker engine it is Apache Kafka (KRaft) via Testcontainers, topics created by the AdminClient;
/// without, the local broker program (librdkafka's mock cluster) in its own process. Either way every
/// topic, including Streamiz changelog and repartition topics, must be in the manifest: the mock has no
/// CreateTopics, so clients should keep AllowAutoCreateTopics off and a missing topic is an error.
/// </summary>
public abstract class KafkaBroker(TopicManifest manifest) : IAsyncLifetime
{
    // Apache's own image runs KRaft (no ZooKeeper) by default.
    public const string KafkaImage = "apache/kafka:3.9.1";

    private KafkaContainer? container;

    public TopicManifest Manifest { get; } = manifest;
    public string BootstrapServers { get; private set; } = "";
    /// <summary>The local broker process, or null when a Kafka container serves the tests.</summary>
    public BrokerProcess? Process { get; private set; }
    public bool IsMock => Process is not null;

    public async ValueTask InitializeAsync()
    {
        if (DockerEngine.IsAvailable) await StartContainerAsync();
        else
        {
            Process = await BrokerProcess.StartAsync(Manifest);
            BootstrapServers = Process.BootstrapServers;
        }
    }

    private async Task StartContainerAsync()
    {
        container = new KafkaBuilder(KafkaImage).Build();
        await container.StartAsync();
        BootstrapServers = container.GetBootstrapAddress();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync(Manifest.Topics.Select(t => new TopicSpecification
        {
            Name = t.Name,
            NumPartitions = t.Partitions,
            ReplicationFactor = 1,
            Configs = new Dictionary<string, string>(t.KafkaConfig()),
        }));
    }

    /// <summary>
    /// Fails when any partition's low watermark is above 0, i.e. records were dropped before anyone could
    /// read them (the mock keeps only the newest 5 MiB per partition). A topic its application purges (Streamiz
    /// deletes what it has committed on its repartition topics, on real Kafka) counts only above that offset.
    /// </summary>
    /// <param name="exempt">Topics whose trim the caller has a stated reason to accept (a changelog the test never restores from).</param>
    public async Task AssertNoTrimmedPartitionsAsync(params string[] exempt)
    {
        var report = await Task.Run(() =>
        {
            using var probe = new WatermarkProbe(BootstrapServers);
            return probe.Read(Manifest, TimeSpan.FromSeconds(15));
        });
        var trimmed = report.Trimmed.Where(p => !exempt.Contains(p.Topic)).ToList();
        if (trimmed.Count > 0)
            throw new TrimmedPartitionsException(trimmed);
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null) await Process.DisposeAsync();
        if (container is not null) await container.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Records were lost: these partitions no longer start at offset 0.</summary>
public sealed class TrimmedPartitionsException(IReadOnlyList<PartitionWatermark> partitions)
    : Exception(string.Join("\n", partitions.Select(p => $"{p.TrimProblem} (high {p.High})")))
{
    public IReadOnlyList<PartitionWatermark> Partitions { get; } = partitions;
}
