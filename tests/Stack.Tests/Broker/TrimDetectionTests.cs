using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.TestSupport;

namespace Insights.Stack.Tests.Broker;

/// <summary>A topic for the fixture's trim assertion.</summary>
public sealed class TrimTopics() : KafkaBroker(new TopicManifest([new TopicSpec(TrimDetectionTests.Topic, 1)]));

/// <summary>
/// The mock keeps only the newest 5 MiB per partition and drops older records silently; the broker host,
/// `insights-broker check` and the fixture must turn that into an error.
/// </summary>
public sealed class TrimDetectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    public const string Topic = "trim-test";
    private static readonly TopicManifest Topics = new([new TopicSpec(Topic, 1)]);

    [Fact]
    public async Task Check_exits_0_when_every_partition_still_starts_at_offset_0()
    {
        await using var broker = await BrokerProcess.StartAsync(Topics, ct: Ct);
        await ProduceAsync(broker.BootstrapServers, megabytes: 1);

        var check = await broker.CheckAsync();

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Matches($@"{Topic}\s+0\s+0\s+1024\s+ok", check.Output);
    }

    [Fact]
    public async Task Check_exits_1_naming_the_partition_when_records_past_5_MiB_were_dropped()
    {
        await using var broker = await BrokerProcess.StartAsync(Topics, checkInterval: TimeSpan.FromMilliseconds(200), ct: Ct);
        await ProduceAsync(broker.BootstrapServers, megabytes: 7);

        var check = await broker.CheckAsync();

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Matches($@"{Topic}\s+0\s+[1-9][0-9]*\s+7168\s+TRIMMED", check.Output);
        Assert.Matches($@"ERROR topic {Topic} partition 0 low watermark [1-9][0-9]*: records lost", check.Error);
    }

    [Fact]
    public async Task Check_passes_a_purged_topic_trimmed_only_below_its_groups_committed_offset()
    {
        var check = await CheckPurgedTopicAsync(committed: 7168);

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Matches($@"{Topic}\s+0\s+[1-9][0-9]*\s+7168\s+purged", check.Output);
    }

    [Fact]
    public async Task Check_exits_1_when_a_purged_topic_dropped_records_its_group_had_not_committed()
    {
        var check = await CheckPurgedTopicAsync(committed: 10);

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Matches($@"ERROR topic {Topic} partition 0 low watermark [1-9][0-9]*, above its group's committed offset 10: records lost", check.Error);
    }

    [Fact]
    public async Task Broker_logs_one_error_line_and_reports_the_trim_in_its_status_file()
    {
        await using var broker = await BrokerProcess.StartAsync(Topics, checkInterval: TimeSpan.FromMilliseconds(200), ct: Ct);
        await ProduceAsync(broker.BootstrapServers, megabytes: 7);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!broker.StandardError.Contains("ERROR topic") && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);

        var errors = broker.StandardError.Split('\n').Where(l => l.StartsWith("ERROR")).ToList();
        var line = Assert.Single(errors);
        Assert.Matches($@"^ERROR topic {Topic} partition 0 low watermark [1-9][0-9]*: records lost: the mock keeps only the newest 5 MiB per partition", line);
        var status = await File.ReadAllTextAsync(broker.StatusFile, Ct);
        Assert.Contains("\"trimmed\": true", status, StringComparison.Ordinal);
        Assert.Contains("\"healthy\": false", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fixture_assertion_fails_when_a_partition_was_trimmed()
    {
        await using var broker = new TrimTopics();
        await broker.InitializeAsync();
        if (!broker.IsMock) Assert.Skip("real Kafka keeps records by retention; only the mock trims at 5 MiB");
        await broker.AssertNoTrimmedPartitionsAsync(); // nothing produced yet: passes

        await ProduceAsync(broker.BootstrapServers, megabytes: 7);

        var error = await Assert.ThrowsAsync<TrimmedPartitionsException>(() => broker.AssertNoTrimmedPartitionsAsync());
        var partition = Assert.Single(error.Partitions);
        Assert.Equal((Topic, 0), (partition.Topic, partition.Partition));
        Assert.True(partition.Low > 0);
    }

    /// <summary>7 MiB into a topic its group purges (so the mock trims it), the group committed at <paramref name="committed"/>, then the check.</summary>
    private static async Task<CommandResult> CheckPurgedTopicAsync(long committed)
    {
        const string group = "trim-app";
        await using var broker = await BrokerProcess.StartAsync(new TopicManifest([new TopicSpec(Topic, 1, PurgedBy: group)]), ct: Ct);
        await ProduceAsync(broker.BootstrapServers, megabytes: 7);
        using (var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = group, EnableAutoCommit = false }).Build())
            consumer.Commit([new TopicPartitionOffset(Topic, 0, committed)]);
        return await broker.CheckAsync();
    }

    /// <summary>1 KiB records into partition 0; batches of ~64 KiB so the mock's 5 MiB limit, not its batch count, decides.</summary>
    private static async Task ProduceAsync(string bootstrap, int megabytes)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            LingerMs = 5,
            BatchSize = 64 * 1024,
            AllowAutoCreateTopics = false,
        }).Build();
        var payload = new byte[1024];
        var failures = 0;
        for (var i = 0; i < megabytes * 1024; i++)
            producer.Produce(new TopicPartition(Topic, 0), new Message<Null, byte[]> { Value = payload }, r => { if (r.Error.IsError) Interlocked.Increment(ref failures); });
        producer.Flush(TimeSpan.FromSeconds(30));
        Assert.Equal(0, failures);
        await Task.CompletedTask;
    }
}
