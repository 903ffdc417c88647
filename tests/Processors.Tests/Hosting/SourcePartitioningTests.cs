using Insights.Contracts.Configuration;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;

namespace Insights.Processors.Tests.Hosting;

public sealed class FourPartitionBroker() : KafkaBroker(ProcessorManifest.For("insights-processors", "cdc", 4));

/// <summary>
/// With tickets keyed by member, the member tasks read partition i of the tickets and members topics together: a
/// worker whose partition count differs from those topics' would split members' events across tasks, so it refuses to start.
/// </summary>
public sealed class SourcePartitioningTests(FourPartitionBroker broker) : IClassFixture<FourPartitionBroker>
{
    private KafkaSettings Kafka => new() { BootstrapServers = broker.BootstrapServers };

    [Fact]
    public void Topics_with_another_partition_count_than_the_workers_are_refused_naming_the_settings()
    {
        var problem = SourcePartitioning.Problem(new WorkerSettings { Partitions = 8, TicketsKeyedByMember = true }, Kafka, TimeSpan.FromSeconds(10));

        Assert.NotNull(problem);
        Assert.Contains("Processors:TicketsKeyedByMember is true, so cdc.cinema.tickets must have Processors:Partitions (8) partitions", problem);
        Assert.Contains("it has 4", problem);
    }

    [Fact]
    public void Topics_with_the_workers_partition_count_pass()
    {
        Assert.Null(SourcePartitioning.Problem(new WorkerSettings { Partitions = 4, TicketsKeyedByMember = true }, Kafka, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_ticket_keyed_source_is_not_checked_as_it_goes_through_the_repartition_topic()
    {
        Assert.Null(SourcePartitioning.Problem(new WorkerSettings { Partitions = 8, TicketsKeyedByMember = false }, Kafka, TimeSpan.FromSeconds(10)));
    }
}
