using System.Net;
using Insights.Fixtures;
using Insights.Fixtures.Kafka;
using Insights.Processors.Manifest;
using Insights.TestSupport;

namespace Insights.Host.Tests.Observability;

/// <summary>One partition per topic: the first worker holds every task, a second one gets nothing.</summary>
public sealed class WorkerReadinessBroker() : KafkaBroker(ProcessorManifest.For(WorkerReadinessTests.ApplicationId, "cdc", 1));

/// <summary>
/// `insights worker` processes on a broker, seen from outside as an orchestrator sees them: /readyz answers 503 with
/// the reason until the worker's tasks run, then 200 with the ready file present; a worker the group assigned no
/// partition answers 503 saying it is idle and has no ready file, though its stream is RUNNING.
/// </summary>
public sealed class WorkerReadinessTests(WorkerReadinessBroker broker) : IClassFixture<WorkerReadinessBroker>
{
    public const string ApplicationId = "insights-processors-readyz";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Readyz_is_200_only_while_the_worker_holds_running_tasks_and_names_an_idle_worker()
    {
        using var first = Worker("first", out var firstUrl);
        using var firstHttp = new HttpClient { BaseAddress = new Uri(firstUrl) };
        var seen = new List<string>();
        await UntilAsync(async () =>
        {
            var (status, body) = await ReadyzAsync(firstHttp);
            if (status != HttpStatusCode.OK && !seen.Contains(body)) seen.Add(body);
            return status == HttpStatusCode.OK;
        }, () => $"the first worker ready; it answered: {string.Join(" | ", seen)}\n{first.Tail()}");
        Assert.True(first.Ready, "the ready file is missing while /readyz answers 200");
        Assert.All(seen, reason => Assert.Matches("^(starting|waiting for the consumer group|rebalancing|restoring|connection refused)", reason));

        // The group's assignor may give the partition to either member after the rebalance.
        using var second = Worker("second", out var secondUrl);
        using var secondHttp = new HttpClient { BaseAddress = new Uri(secondUrl) };
        (HttpStatusCode Status, string Body) firstAnswer = default, secondAnswer = default;
        await UntilAsync(async () =>
        {
            (firstAnswer, secondAnswer) = (await ReadyzAsync(firstHttp), await ReadyzAsync(secondHttp));
            return new[] { firstAnswer, secondAnswer }.Count(a => a.Status == HttpStatusCode.OK) == 1
                && new[] { firstAnswer, secondAnswer }.Any(a => a.Body.StartsWith("idle:", StringComparison.Ordinal));
        }, () => $"one worker ready and the other idle; first answered: {firstAnswer.Body}, second: {secondAnswer.Body}\n{second.Tail()}");

        var (working, idle, idleAnswer) = firstAnswer.Status == HttpStatusCode.OK ? (first, second, secondAnswer) : (second, first, firstAnswer);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "idle: the consumer group assigned this worker no partitions (more workers than partitions)"), idleAnswer);
        Assert.False(idle.Ready, "an idle worker must not have a ready file");
        Assert.True(working.Ready, "the ready file is missing while /readyz answers 200");
    }

    private InsightsProcess Worker(string name, out string url)
    {
        url = $"http://127.0.0.1:{LoopbackPort.Next()}";
        return InsightsProcess.Worker(name, new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = broker.BootstrapServers,
            ["Processors__ModelPath"] = Path.Combine(RepositoryPaths.Root, "models", "propensity-ml100k.json"),
            ["Processors__ApplicationId"] = ApplicationId, ["Processors__Partitions"] = "1",
            ["Processors__SessionTimeoutMs"] = "6000",
            ["Processors__StateDir"] = Directory.CreateTempSubdirectory("insights-readyz-state-").FullName,
            ["Observability__Urls"] = url,
        });
    }

    /// <summary>The status and one-line body of /readyz; a worker whose server is not up yet counts as "connection refused".</summary>
    private static async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/readyz", TestContext.Current.CancellationToken);
            return (response.StatusCode, (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Trim());
        }
        catch (HttpRequestException) { return (0, "connection refused"); }
    }

    private static Task UntilAsync(Func<Task<bool>> condition, Func<string> what) =>
        Poll.UntilAsync(condition, what, Deadline, TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(100));
}
