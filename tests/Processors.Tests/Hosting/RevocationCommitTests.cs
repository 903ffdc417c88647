using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Hosting;

public sealed class RevocationBroker() : KafkaBroker(ProcessorManifest.For(RevocationCommitTests.ApplicationId, "cdc", 4));

/// <summary>
/// A worker whose offset commit is refused while Streamiz revokes its tasks goes on working. Streamiz 1.8.2 turns that
/// failure into an exception thrown out of its revocation handler, which left the task manager's rebalance flag set: the
/// stream thread never polled again, so it never took its next assignment and the worker did nothing for good (found
/// with `insights bench scale`; docs/processors.md, "Scaling a live group"). With a commit interval far beyond the test,
/// the only commit is the revocation's, so the first worker learns of the rebalance from its heartbeat and revokes with
/// uncommitted offsets; the mock broker refuses that commit (it refuses commits while the group is joining), which
/// makes the case certain there. Kafka accepts it, and the test then shows the plain hand-over.
/// </summary>
public sealed class RevocationCommitTests(RevocationBroker broker) : IClassFixture<RevocationBroker>
{
    public const string ApplicationId = "insights-processors-revoke";

    [Fact]
    public async Task A_refused_commit_while_tasks_are_revoked_does_not_stop_the_worker()
    {
        var ct = TestContext.Current.CancellationToken;
        var attendances = SyntheticCinema.Attendances(200);
        var changes = new CinemaChanges();
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(modelPath, TestModel.Create().ToJson(), ct);
        var kafka = new KafkaSettings { BootstrapServers = broker.BootstrapServers };
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All }).Build();
        var all = SyntheticCinema.Changes(changes, attendances).ToList();
        var firstHalf = all.Count - attendances.Count / 2;
        WorkerSettings Settings() => ScoringStreamBrokerTests.Settings(modelPath, ApplicationId) with { CommitIntervalMs = 600_000 };

        using var first = new ScoringStream(Settings(), kafka, NullLoggerFactory.Instance);
        await ScoringStreamBrokerTests.StartAsync(first);
        await CinemaChanges.ProduceAsync(producer, all.Take(firstHalf), ct);
        await Poll.UntilAsync(() => first.Movies.AttendancesCounted == attendances.Count / 2,
            () => $"the first half of the tickets counted ({first.Movies.AttendancesCounted}, {first.NotReadyReason?.Reason ?? "ready"})", TimeSpan.FromSeconds(120), ct);

        using var second = new ScoringStream(Settings(), kafka, NullLoggerFactory.Instance);
        await ScoringStreamBrokerTests.StartAsync(second);
        // Both run again: the first finished its revocation and took its share of the new assignment.
        await Poll.UntilAsync(() => !first.Failed && first.Ready && second.Ready,
            () => $"both workers running after the rebalance (first: {first.NotReadyReason?.Reason ?? "ready"}, {first.RefusedRevocationCommits} revocation commits refused; second: {second.NotReadyReason?.Reason ?? "ready"})",
            TimeSpan.FromSeconds(60), ct);
        if (broker.IsMock) Assert.True(first.RefusedRevocationCommits > 0, "the mock broker was expected to refuse the revocation's commit");
        Assert.True(first.Observe().AssignedPartitions > 0);

        await CinemaChanges.ProduceAsync(producer, all.Skip(firstHalf), ct);
        await Poll.UntilAsync(() => first.Movies.AttendancesCounted == attendances.Count && second.Movies.AttendancesCounted == attendances.Count,
            () => $"every ticket counted after the rebalance (first {first.Movies.AttendancesCounted}, second {second.Movies.AttendancesCounted} of {attendances.Count})", TimeSpan.FromSeconds(120), ct);
        Assert.True(first.Ready, first.NotReadyReason?.Reason);
    }
}
