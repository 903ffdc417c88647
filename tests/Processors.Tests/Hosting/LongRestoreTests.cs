using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.Processors.Topology;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Hosting;

public sealed class LongRestoreBroker() : KafkaBroker(ProcessorManifest.For(LongRestoreTests.ApplicationId, "cdc", LongRestoreTests.Partitions));

/// <summary>
/// A worker whose restore outlasts max.poll.interval.ms stays in its group, finishes the restore once and works.
/// Streamiz 1.8.2 does not poll a stream thread's main consumer while the thread restores; without
/// <see cref="RestoreKeepAlive"/> librdkafka leaves the group after MaxPollIntervalMs, the thread's first poll after the
/// restore throws "Application maximum poll interval (10000ms) exceeded", the thread stops and the stream fails, so the
/// worker exits, and its restart empties the state folder (no clean stop) and restores it all again, the same way.
/// The restore is made long, not big: the member-state changelog holds 60,000 tombstones of members that do not exist
/// (the store ends empty; nothing else reads them), and Streamiz restores at most 1,000 records per loop of its thread,
/// which sleeps PollMs (200 ms here) between loops while it restores: at least 12 s, against the 10 s MaxPollIntervalMs
/// (the smallest a worker accepts). About 25 s in all.
/// </summary>
public sealed class LongRestoreTests(LongRestoreBroker broker) : IClassFixture<LongRestoreBroker>
{
    public const string ApplicationId = "insights-processors-long-restore";
    public const int Partitions = 4;
    private const int TombstonesPerPartition = 15_000;
    private static readonly TimeSpan RestoreLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_restore_longer_than_the_max_poll_interval_keeps_the_worker_in_its_group()
    {
        var ct = TestContext.Current.CancellationToken;
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(modelPath, TestModel.Create().ToJson(), ct);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 20 }).Build();
        FillMemberChangelog(producer, ApplicationId, ct);

        var settings = Settings(modelPath, ApplicationId);
        using var stream = new ScoringStream(settings, new KafkaSettings { BootstrapServers = broker.BootstrapServers }, NullLoggerFactory.Instance);
        var restore = Stopwatch.StartNew();
        await stream.StartAsync(ct);
        await Poll.UntilAsync(() => stream.Ready || stream.Failed, () => $"the restore ({stream.NotReadyReason?.Reason})", RestoreLimit, ct);
        restore.Stop();
        Assert.True(restore.Elapsed > TimeSpan.FromMilliseconds(settings.MaxPollIntervalMs),
            $"the restore took {restore.Elapsed.TotalSeconds:0.0} s, not longer than MaxPollIntervalMs: the test shows nothing");

        // Readiness turns true as the last task is restored, a moment before the thread polls again (and, dropped from the
        // group, fails): so the worker is judged by its work. The tickets reach the member tasks through the main
        // consumer, whose partitions were paused while the restore kept it in the group.
        var attendances = SyntheticCinema.Attendances(100);
        await SyntheticCinema.ProduceAsync(producer, new CinemaChanges(), attendances, ct);
        await Poll.UntilAsync(() => stream.Movies.AttendancesCounted == attendances.Count || stream.Failed,
            () => $"every ticket counted after the restore ({stream.Movies.AttendancesCounted} of {attendances.Count}, stream {stream.State})", TimeSpan.FromSeconds(60), ct);
        Assert.False(stream.Failed, $"the stream failed after a {restore.Elapsed.TotalSeconds:0.0} s restore (state {stream.State})");
        Assert.Equal(attendances.Count, stream.Movies.AttendancesCounted);
        Assert.True(stream.Ready, stream.NotReadyReason?.Reason);
        Assert.Equal(0, stream.Revocations);
    }

    /// <summary>A worker restoring 1,000 records per 200 ms loop, whose group drops a consumer that has not polled for 10 s.</summary>
    internal static WorkerSettings Settings(string modelPath, string applicationId) =>
        ScoringStreamBrokerTests.Settings(modelPath, applicationId) with { MaxPollIntervalMs = 10_000, PollMs = 200 };

    /// <summary>
    /// Writes 15,000 tombstones of members that do not exist to each partition of the member-state changelog: a restore
    /// of at least 60 of Streamiz's 1,000-record loops (12 s at a PollMs of 200), after which the store is empty.
    /// </summary>
    internal static void FillMemberChangelog(IProducer<byte[], byte[]> producer, string applicationId, CancellationToken ct)
    {
        var changelog = ProcessorTopics.ChangelogTopic(applicationId);
        for (var partition = 0; partition < Partitions; partition++)
            for (var i = 0; i < TombstonesPerPartition; i++)
                producer.Produce(new TopicPartition(changelog, partition), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"absent-{partition}-{i}"), Value = null! });
        producer.Flush(ct);
    }
}
