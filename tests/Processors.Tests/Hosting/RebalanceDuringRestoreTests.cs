using System.Diagnostics;
using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Hosting;

public sealed class RebalanceDuringRestoreBroker() : KafkaBroker(ProcessorManifest.For(RebalanceDuringRestoreTests.ApplicationId, "cdc", LongRestoreTests.Partitions));

/// <summary>
/// A worker that is restoring when a second worker joins takes part in the rebalance at once: its keep-alive poll
/// (<see cref="RestoreKeepAlive"/>) serves the revocation, waits for the new assignment and the worker restores its new
/// share, while the newcomer restores the rest; both then work. Without the keep-alive the restoring worker does not
/// answer the rebalance until its restore is done, and the group drops it (see <see cref="LongRestoreTests"/>). About 40 s.
/// </summary>
public sealed class RebalanceDuringRestoreTests(RebalanceDuringRestoreBroker broker) : IClassFixture<RebalanceDuringRestoreBroker>
{
    public const string ApplicationId = "insights-processors-restore-rebalance";

    [Fact]
    public async Task A_worker_restoring_when_another_joins_hands_over_its_share_and_both_work()
    {
        var ct = TestContext.Current.CancellationToken;
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(modelPath, TestModel.Create().ToJson(), ct);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 20 }).Build();
        LongRestoreTests.FillMemberChangelog(producer, ApplicationId, ct);
        var kafka = new KafkaSettings { BootstrapServers = broker.BootstrapServers };

        using var first = new ScoringStream(LongRestoreTests.Settings(modelPath, ApplicationId), kafka, NullLoggerFactory.Instance);
        await first.StartAsync(ct);
        await Poll.UntilAsync(() => first.NotReadyReason?.Kind == NotReadyKind.Restoring, () => $"the first worker restoring ({first.NotReadyReason?.Reason ?? "ready"})", TimeSpan.FromSeconds(120), ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        Assert.Equal(NotReadyKind.Restoring, first.NotReadyReason?.Kind);

        using var second = new ScoringStream(LongRestoreTests.Settings(modelPath, ApplicationId), kafka, NullLoggerFactory.Instance);
        await second.StartAsync(ct);
        var clock = Stopwatch.StartNew();
        await Poll.UntilAsync(() => (first.Ready && second.Ready) || first.Failed || second.Failed,
            () => $"both workers restored (first: {first.NotReadyReason?.Reason ?? "ready"}; second: {second.NotReadyReason?.Reason ?? "ready"})", TimeSpan.FromSeconds(60), ct);
        Assert.False(first.Failed, $"the first worker failed {clock.Elapsed.TotalSeconds:0.0} s after the second joined (state {first.State})");
        Assert.False(second.Failed, $"the second worker failed (state {second.State})");
        Assert.True(first.Revocations > 0, "the second worker's join revoked nothing from the first: the rebalance was not served during its restore");
        Assert.True(first.Observe().AssignedPartitions > 0 && second.Observe().AssignedPartitions > 0, "the group did not share the partitions");

        var attendances = SyntheticCinema.Attendances(100);
        await SyntheticCinema.ProduceAsync(producer, new CinemaChanges(), attendances, ct);
        await Poll.UntilAsync(
            () => (first.Movies.AttendancesCounted == attendances.Count && second.Movies.AttendancesCounted == attendances.Count) || first.Failed || second.Failed,
            () => $"every ticket counted by both workers (first {first.Movies.AttendancesCounted}, second {second.Movies.AttendancesCounted} of {attendances.Count})", TimeSpan.FromSeconds(60), ct);
        Assert.False(first.Failed || second.Failed, $"a worker failed after the rebalance (first {first.State}, second {second.State})");
        Assert.True(first.Ready && second.Ready, $"first: {first.NotReadyReason?.Reason ?? "ready"}; second: {second.NotReadyReason?.Reason ?? "ready"}");
    }
}
