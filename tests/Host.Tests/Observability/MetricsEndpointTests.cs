using System.Text;
using Confluent.Kafka;
using Insights.Capture.Sinks;
using Insights.Contracts.Configuration;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Fixtures.Elasticsearch;
using Insights.Fixtures.Kafka;
using Insights.Host.Observability;
using Insights.Processors.DeadLetters;
using Insights.Processors.Events;
using Insights.Sinks;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Snapshots;
using Insights.TestSupport;

namespace Insights.Host.Tests.Observability;

public sealed class ObservedTopics() : KafkaBroker(new TopicManifest([new TopicSpec(MetricsEndpointTests.LagTopic, 2), new TopicSpec(MetricsEndpointTests.CaptureTopic, 1)]));

/// <summary>
/// /metrics shows each named series once the code that does the work ran: the worker's dead-letter path, the sink's
/// Elasticsearch retries, index latency and snapshots, capture's acknowledged events, and consumer lag per partition
/// polled from the broker (committed offsets against high watermarks).
/// </summary>
public sealed class MetricsEndpointTests(ObservedTopics broker) : IClassFixture<ObservedTopics>
{
    public const string LagTopic = "obs.lag";
    public const string CaptureTopic = "obs.capture.events";

    [Fact]
    public async Task Consumer_lag_per_partition_is_the_high_watermark_minus_the_committed_offset()
    {
        var ct = TestContext.Current.CancellationToken;
        const string group = "obs-lag-group";
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All }).Build())
        {
            for (var i = 0; i < 5; i++) await producer.ProduceAsync(new TopicPartition(LagTopic, 0), new Message<byte[], byte[]> { Key = [1], Value = [1] }, ct);
            for (var i = 0; i < 3; i++) await producer.ProduceAsync(new TopicPartition(LagTopic, 1), new Message<byte[], byte[]> { Key = [2], Value = [2] }, ct);
        }
        using (var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = group, EnableAutoCommit = false }).Build())
            consumer.Commit([new TopicPartitionOffset(LagTopic, 0, 2)]);

        await using var role = await ObservedRole.StartAsync("sink", RoleReadiness.FromProbes(),
            new KafkaSettings { BootstrapServers = broker.BootstrapServers }, new ConsumerGroupWatch(group, [LagTopic]));
        await role.WaitForPositiveAsync("insights_kafka_consumer_lag", $"group=\"{group}\"", "partition=\"1\"");
        var metrics = await role.MetricsAsync();

        Assert.Equal(3, PrometheusText.Sample(metrics, "insights_kafka_consumer_lag", $"group=\"{group}\"", $"topic=\"{LagTopic}\"", "partition=\"0\""));
        // No commit yet: the group owes everything the partition holds.
        Assert.Equal(3, PrometheusText.Sample(metrics, "insights_kafka_consumer_lag", $"group=\"{group}\"", $"topic=\"{LagTopic}\"", "partition=\"1\""));
        Assert.Null(role.Server.Lag!.LastError);
    }

    [Fact]
    public async Task Readyz_says_Kafka_does_not_answer_when_the_lag_poll_fails()
    {
        var closed = $"127.0.0.1:{LoopbackPort.Next()}";
        await using var role = await ObservedRole.StartAsync("sink", RoleReadiness.FromProbes(),
            new KafkaSettings { BootstrapServers = closed }, new ConsumerGroupWatch("obs-nowhere", [LagTopic]));

        await Poll.UntilAsync(() => role.Server.Lag!.LastError?.StartsWith("Kafka at", StringComparison.Ordinal) == true,
            () => $"the lag poll's error (last: {role.Server.Lag!.LastError})", TimeSpan.FromSeconds(40), TestContext.Current.CancellationToken);
        var answer = await role.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.StartsWith($"Kafka at {closed} did not answer", (await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Trim());
    }

    [Fact]
    public async Task Capture_events_count_what_Kafka_acknowledged_by_topic()
    {
        await using var role = await ObservedRole.StartAsync("capture", RoleReadiness.FromProbes());
        using var sink = new KafkaChangeEventSink(new KafkaSettings { BootstrapServers = broker.BootstrapServers });
        var delivered = new TaskCompletionSource<Exception?>();

        sink.Send(new CapturedEvent(CaptureTopic, Encoding.UTF8.GetBytes("{\"id\":1}"), Encoding.UTF8.GetBytes("{}")), e => delivered.TrySetResult(e));
        await sink.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Null(await delivered.Task);
        Assert.True(await role.WaitForPositiveAsync("insights_capture_events_total", $"topic=\"{CaptureTopic}\"") >= 1);
    }

    [Fact]
    public async Task Worker_dead_letters_are_counted_by_stage_and_error()
    {
        await using var role = await ObservedRole.StartAsync("worker", RoleReadiness.FromProbes());

        DeadLetter.For(new FormatException("ticket without session_id"), "parse", new EventOrigin("cdc.cinema.tickets", 3, 42), [1], [2]);

        Assert.True(await role.WaitForPositiveAsync("insights_worker_dead_letters_total", "stage=\"parse\"", "error=\"FormatException\"") >= 1);
    }

    [Fact]
    public async Task Sink_retries_and_index_latency_follow_an_Elasticsearch_write_that_was_retried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var role = await ObservedRole.StartAsync("sink", RoleReadiness.FromProbes());
        await using var elasticsearch = await ElasticsearchFake.StartAsync();
        var settings = new ElasticsearchSettings { Url = elasticsearch.BaseUri.ToString(), Alias = "obs-scores", RetryBaseDelayMs = 5, RetryMaxDelayMs = 50 };
        var client = settings.CreateClient();
        await new ScoreIndex(client, settings).EnsureAsync(ct);
        var committedTwoSecondsAgo = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 2_000;

        elasticsearch.FailNext(1, 429);
        var report = await new ScoreIndexWriter(client, settings).WriteAsync([ScoreChange.Of(Update(7, committedTwoSecondsAgo))], ct);

        Assert.Equal(1, report.Indexed);
        Assert.True(await role.WaitForPositiveAsync("insights_sink_retries_total") >= 1);
        var metrics = await role.MetricsAsync();
        Assert.True(PrometheusText.Sample(metrics, "insights_sink_index_latency_seconds_count") >= 1);
        // At least the two seconds since the commit went into the sum.
        Assert.True(PrometheusText.Sample(metrics, "insights_sink_index_latency_seconds_sum") >= 2);
    }

    [Fact]
    public async Task Snapshot_age_appears_once_a_snapshot_completed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var role = await ObservedRole.StartAsync("sink", RoleReadiness.FromProbes());
        var store = new LocalFolderStore(Directory.CreateTempSubdirectory("insights-obs-snapshots-").FullName);

        await new SnapshotWriter(new OneMemberState(Update(9, 1_700_000_000_000)), store, new SnapshotSettings()).TakeAsync(ct);

        Assert.True(await role.WaitForPositiveAsync("insights_sink_snapshot_age_seconds") > 0);
    }

    private static ScoreUpdate Update(long member, long sourceTsMs) => new()
    {
        MemberId = member,
        Version = 1,
        ModelVersion = "obs-test",
        Source = new SourcePosition { Gtid = "0-1-1", TsMs = sourceTsMs },
        ComputedAtMs = sourceTsMs + 100,
        Scores = [new MovieScore(1, 0.5, false)],
    };

    private sealed class OneMemberState(ScoreUpdate member) : IScoreStateSource
    {
        public string Topic => TopicNames.Scores;
        public Task<IReadOnlyList<int>> PartitionsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<int>>([0]);
        public Task<PartitionState> ReadAsync(int partition, CancellationToken ct) => Task.FromResult(new PartitionState(0, 0, 1, [member]));
    }
}
