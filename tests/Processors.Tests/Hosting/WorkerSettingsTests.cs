using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Processors.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Streamiz.Kafka.Net;

namespace Insights.Processors.Tests.Hosting;

/// <summary>
/// The worker's latency and delivery settings: their defaults, their validation (one line naming `Processors:Key`),
/// and how they reach the Streamiz configuration and every Kafka client it builds.
/// </summary>
public sealed class WorkerSettingsTests
{
    private static readonly KafkaSettings Kafka = new() { BootstrapServers = "127.0.0.1:9092" };
    private static readonly string ModelPath = Path.Combine(AppContext.BaseDirectory, "worker-settings-model.json");

    public WorkerSettingsTests() => File.WriteAllText(ModelPath, TestModel.Create().ToJson());

    private static WorkerSettings Bound(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create($"Processors:{v.Key}", (string?)v.Value))).Build();
        return (configuration.GetSection(WorkerSettings.Section).Get<WorkerSettings>() ?? new WorkerSettings()) with { ModelPath = ModelPath };
    }

    [Fact]
    public void Defaults_are_tuned_for_latency_at_least_once()
    {
        var settings = Bound();

        Assert.Null(settings.Problem());
        Assert.Equal((10, 10, 100), (settings.FetchWaitMaxMs, settings.PollMs, settings.FlushIntervalMs));
        Assert.Equal(WorkerSettings.AtLeastOnce, settings.Guarantee);
        Assert.Equal(1000, settings.CommitInterval);
        Assert.Equal(10_000, settings.PollStallMs);
        Assert.Equal(60_000, settings.MaxPollIntervalMs);
        Assert.Null(settings.ConsumerDebug);
    }

    [Fact]
    public void A_ticket_waits_ten_minutes_for_its_session_unless_told_otherwise()
    {
        // Long enough to outlast a worker's restore and rebalance: a session late by that is a recovery, not bad data.
        Assert.Equal(TimeSpan.FromMinutes(10), ScoringStream.OptionsFor(Bound(), TestModel.Create()).SessionWait);
        Assert.Equal(TimeSpan.FromSeconds(30), ScoringStream.OptionsFor(Bound(("SessionWaitMs", "30000")), TestModel.Create()).SessionWait);
    }

    [Fact]
    public void Sessions_are_held_400_days_after_their_showtime_unless_told_otherwise()
    {
        Assert.Equal(TimeSpan.FromDays(400), ScoringStream.OptionsFor(Bound(), TestModel.Create()).SessionRetention);
        Assert.Equal(TimeSpan.FromDays(30), ScoringStream.OptionsFor(Bound(("SessionRetentionDays", "30")), TestModel.Create()).SessionRetention);
    }

    [Fact]
    public void Exactly_once_commits_every_100_ms_unless_told_otherwise()
    {
        Assert.Equal(100, Bound(("Guarantee", "exactly_once")).CommitInterval);
        Assert.Equal(250, Bound(("Guarantee", "exactly_once"), ("CommitIntervalMs", "250")).CommitInterval);
        Assert.Equal(300, Bound(("CommitIntervalMs", "300")).CommitInterval);
    }

    [Theory]
    [InlineData("FetchWaitMaxMs", "0", "Processors:FetchWaitMaxMs must be 1..300000, got 0")]
    [InlineData("PollMs", "0", "Processors:PollMs must be 1..10000, got 0")]
    [InlineData("PollMs", "60000", "Processors:PollMs must be 1..10000, got 60000")]
    [InlineData("CommitIntervalMs", "0", "Processors:CommitIntervalMs must be positive, got 0")]
    [InlineData("Guarantee", "exactly_twice", "Processors:Guarantee must be at_least_once or exactly_once, got 'exactly_twice'")]
    [InlineData("SessionWaitMs", "-1", "Processors:SessionWaitMs must not be negative, got -1")]
    [InlineData("SessionRetentionDays", "0", "Processors:SessionRetentionDays must be 1..36500, got 0")]
    [InlineData("SessionRetentionDays", "36501", "Processors:SessionRetentionDays must be 1..36500, got 36501")]
    [InlineData("PollStallMs", "500", "Processors:PollStallMs must be at least 1000, got 500")]
    [InlineData("MaxPollIntervalMs", "5000", "Processors:MaxPollIntervalMs must be 10000..86400000, got 5000")]
    [InlineData("ConsumerDebug", "cgrp,groups", "Processors:ConsumerDebug names 'groups', which is not a librdkafka debug context (generic, broker, topic, metadata, feature, queue, msg, protocol, cgrp, security, fetch, interceptor, plugin, consumer, admin, eos, mock, assignor, conf, telemetry, all)")]
    public void An_unusable_value_is_a_problem_naming_the_key(string key, string value, string problem)
    {
        Assert.Equal(problem, Bound((key, value)).Problem());
    }

    [Fact]
    public void Fetch_wait_and_idempotence_reach_every_client_streamiz_builds_at_least_once()
    {
        var config = ScoringStream.Configure(Bound(), Kafka, NullLoggerFactory.Instance);

        Assert.Equal(ProcessingGuarantee.AT_LEAST_ONCE, config.Guarantee);
        Assert.Equal((10L, 1000L), (config.PollMs, config.CommitIntervalMs));
        foreach (var consumer in new[] { config.ToConsumerConfig("c"), config.ToRestoreConsumerConfig("r"), config.ToGlobalConsumerConfig("g") })
            Assert.Equal(10, consumer.FetchWaitMaxMs);
        Assert.True(config.ToProducerConfig("p").EnableIdempotence);
    }

    [Fact]
    public void Exactly_once_reads_committed_records_only_and_keeps_the_configured_commit_interval()
    {
        var config = ScoringStream.Configure(Bound(("Guarantee", "exactly_once"), ("CommitIntervalMs", "250"), ("PollMs", "5")), Kafka, NullLoggerFactory.Instance);

        Assert.Equal(ProcessingGuarantee.EXACTLY_ONCE, config.Guarantee);
        // Streamiz sets 100 ms when the guarantee is set: the worker's value must win.
        Assert.Equal((5L, 250L), (config.PollMs, config.CommitIntervalMs));
        Assert.Equal(IsolationLevel.ReadCommitted, config.ToConsumerConfig("c").IsolationLevel);
        Assert.True(config.ToProducerConfig("p").EnableIdempotence);
        Assert.Equal(10, config.ToGlobalConsumerConfig("g").FetchWaitMaxMs);
    }

    [Fact]
    public void Max_poll_interval_may_not_be_below_the_session_timeout()
    {
        Assert.Equal("Processors:MaxPollIntervalMs (20000) must not be below Processors:SessionTimeoutMs (30000)",
            Bound(("MaxPollIntervalMs", "20000"), ("SessionTimeoutMs", "30000")).Problem());
        Assert.Null(Bound(("MaxPollIntervalMs", "30000"), ("SessionTimeoutMs", "30000"), ("ConsumerDebug", "cgrp, consumer")).Problem());
    }

    [Fact]
    public void Max_poll_interval_leaves_room_for_two_polls_of_a_restoring_thread()
    {
        Assert.Equal("Processors:MaxPollIntervalMs (15000) must be at least twice Processors:PollMs (8000): a restoring stream thread is polled once per PollMs",
            Bound(("MaxPollIntervalMs", "15000"), ("PollMs", "8000")).Problem());
        Assert.Null(Bound(("MaxPollIntervalMs", "16000"), ("PollMs", "8000")).Problem());
    }

    [Fact]
    public void Max_poll_interval_reaches_the_stream_threads_consumers()
    {
        Assert.Equal(60_000, ScoringStream.Configure(Bound(), Kafka, NullLoggerFactory.Instance).ToConsumerConfig("c").MaxPollIntervalMs);
        Assert.Equal(120_000, ScoringStream.Configure(Bound(("MaxPollIntervalMs", "120000")), Kafka, NullLoggerFactory.Instance).ToConsumerConfig("c").MaxPollIntervalMs);
    }
}
