using Insights.Contracts.Configuration;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Hosting;

/// <summary>One partition per topic: one worker can hold every task, so a second one is idle.</summary>
public sealed class ReadinessBroker() : KafkaBroker(ProcessorManifest.For(ScoringStreamReadinessTests.ApplicationId, "cdc", 1));

/// <summary>
/// The worker's readiness on a broker, from what it observes of Streamiz's threads and tasks and of the group's
/// assignment: ready only while it holds running tasks, idle (and saying so) when the group gave it nothing, and ready
/// again after taking over from a worker that left.
/// </summary>
public sealed class ScoringStreamReadinessTests(ReadinessBroker broker) : IClassFixture<ReadinessBroker>
{
    public const string ApplicationId = "insights-processors-ready";

    [Fact]
    public void Before_its_start_the_stream_reports_every_thread_and_no_task()
    {
        // No broker needed: the probe reads Streamiz's internals, so a Streamiz that renamed them fails here.
        var settings = Settings(ModelFile()) with { NumStreamThreads = 2 };
        using var stream = new ScoringStream(settings, new KafkaSettings { BootstrapServers = "127.0.0.1:1" }, NullLoggerFactory.Instance);

        var facts = stream.Observe();

        Assert.Equal("CREATED", facts.StreamState);
        Assert.Equal(2, facts.Threads.Count);
        Assert.All(facts.Threads, t => Assert.Equal(("CREATED", false, 0, (DateTimeOffset?)null), (t.State, t.RebalanceInProgress, t.TaskStates.Count, t.LastPoll)));
        Assert.Null(facts.AssignedPartitions);
        Assert.Equal(new NotReady(NotReadyKind.Starting, "starting: the stream is CREATED"), stream.NotReadyReason);
    }

    [Fact]
    public async Task A_second_worker_is_idle_until_the_first_leaves_then_takes_over_its_tasks()
    {
        var kafka = new KafkaSettings { BootstrapServers = broker.BootstrapServers };
        var modelPath = ModelFile();
        var first = new ScoringStream(Settings(modelPath), kafka, NullLoggerFactory.Instance);
        using var second = new ScoringStream(Settings(modelPath), kafka, NullLoggerFactory.Instance);
        try
        {
            // Started together, before any data flows: the mock broker fences a member that joins a busy group.
            await Task.WhenAll(StartAsync(first), StartAsync(second));
            await Poll.UntilAsync(() => !Failed(first, second) && (first.Ready ? 1 : 0) + (second.Ready ? 1 : 0) == 1 && Idle(first, second) is not null,
                () => $"one worker ready and the other idle (first: {Describe(first)}; second: {Describe(second)})", TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

            var (working, idle) = first.Ready ? (first, second) : (second, first);
            var busy = working.Observe();
            Assert.Equal("RUNNING", busy.StreamState);
            Assert.NotEmpty(busy.Threads.SelectMany(t => t.TaskStates));
            Assert.All(busy.Threads.SelectMany(t => t.TaskStates), s => Assert.Equal("RUNNING", s));
            Assert.True(busy.AssignedPartitions > 0);
            // Streamiz calls the idle worker RUNNING too: only the observed facts tell it apart.
            Assert.Equal("RUNNING", idle.Observe().StreamState);
            Assert.Equal("idle: the consumer group assigned this worker no partitions (more workers than partitions)", idle.NotReadyReason?.Reason);

            working.Dispose();
            Assert.Equal(NotReadyKind.Stopped, working.NotReadyReason?.Kind);
            await Poll.UntilAsync(() => !Failed(idle) && idle.Ready, () => $"the idle worker to take the tasks over ({Describe(idle)})", TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
            Assert.True(idle.Observe().AssignedPartitions > 0);
        }
        finally
        {
            first.Dispose();
        }
    }

    private static WorkerSettings Settings(string modelPath) => ScoringStreamBrokerTests.Settings(modelPath, ApplicationId) with { Partitions = 1 };

    /// <summary>A failed stream ends the wait at once, with what it observed.</summary>
    private static bool Failed(params ScoringStream[] streams) =>
        streams.FirstOrDefault(s => s.Failed) is { } failed ? throw new Xunit.Sdk.XunitException($"a worker failed: {Describe(failed)}") : false;

    private static NotReady? Idle(params ScoringStream[] streams) =>
        streams.Select(s => s.NotReadyReason).FirstOrDefault(r => r?.Kind == NotReadyKind.Idle);

    private static string Describe(ScoringStream stream)
    {
        var facts = stream.Observe();
        return $"{stream.NotReadyReason?.Reason ?? "ready"}; stream {facts.StreamState}, assigned {facts.AssignedPartitions?.ToString() ?? "nothing yet"}, "
            + string.Join(", ", facts.Threads.Select(t => $"{t.Name} {t.State} [{string.Join(" ", t.TaskStates)}]"));
    }

    /// <summary>Starts the stream without waiting for it to be ready: an idle worker never is.</summary>
    private static async Task StartAsync(ScoringStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await stream.StartAsync(timeout.Token);
    }

    private static string ModelFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, TestModel.Create().ToJson());
        return path;
    }
}
