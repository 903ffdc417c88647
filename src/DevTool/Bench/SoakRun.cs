using System.Diagnostics;
using Confluent.Kafka;
using Insights.DevTool.Commands;
using Insights.Processors.Manifest;
using Insights.TestSupport;

namespace Insights.DevTool.Bench;

/// <summary>
/// `insights bench soak`: crash safety of a scaled-out group at soak size on the local mock broker. Per run: a fresh
/// broker with 4 partitions, two `insights worker` processes under one application id, a ticket load at a fixed rate
/// during which one worker is killed with SIGKILL (and restarted on an empty state folder, so it restores from the
/// changelogs) the given number of times. After the load every member's final scores must equal the evaluation's
/// replay of the same attendances (<see cref="ReplayCheck"/>, the crash test's check at 100,000 tickets), every movie's
/// published count must equal its tickets, and no partition may have been trimmed by the broker.
/// </summary>
internal sealed class SoakRun(SoakRun.Settings settings, TextWriter output)
{
    public sealed record Settings(string ModelPath, int Tickets, int Members, int Movies, int Partitions, int Rate,
        IReadOnlyList<int> Kills, string Compression, TimeSpan Deadline);

    /// <summary>Runs once per entry of Kills; true when every run passed.</summary>
    public async Task<bool> ExecuteAsync(CancellationToken ct)
    {
        var model = Processors.Hosting.ScoringStream.LoadModel(settings.ModelPath);
        var cinema = new ProcessorsBenchCinema(settings.Movies, settings.Members, settings.Tickets);
        var tickets = Enumerable.Range(0, settings.Tickets).Select(cinema.Ticket).ToList();
        var expected = ReplayCheck.ExpectedScores(cinema, model);
        var passed = true;
        for (var run = 0; run < settings.Kills.Count; run++)
        {
            var label = $"soak run {run + 1}/{settings.Kills.Count} ({settings.Kills[run]} kill{(settings.Kills[run] == 1 ? "" : "s")})";
            var clock = Stopwatch.StartNew();
            string verdict;
            try
            {
                verdict = "PASS: " + await RunAsync(label, settings.Kills[run], cinema, tickets, expected, ct);
            }
            catch (Exception failure) when (failure is BenchFailure or WaitTimedOut)
            {
                passed = false;
                verdict = "FAIL: " + failure.Message;
            }
            output.WriteLine($"{label}: {verdict} ({clock.Elapsed.TotalSeconds:0} s)");
        }
        return passed;
    }

    private async Task<string> RunAsync(string label, int kills, ProcessorsBenchCinema cinema, List<CinemaEvent> tickets,
        Dictionary<string, List<(int MovieId, double Score, bool Seen)>> expected, CancellationToken ct)
    {
        var applicationId = $"insights-soak-{Guid.NewGuid():N}"[..24];
        var partitions = settings.Partitions;
        await using var broker = await BrokerProcess.StartAsync(ProcessorManifest.For(applicationId, "cdc", partitions), ct: ct);
        var modelPath = Path.GetFullPath(settings.ModelPath);
        using var progress = new ApplicationProgress(broker.BootstrapServers, applicationId, partitions);
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions);
        using var producer = broker.LoadProducer(settings.Compression, lingerMs: 50);
        var options = new Processors.ProcessorOptions { Model = Processors.Hosting.ScoringStream.LoadModel(modelPath) };
        foreach (var change in cinema.ReferenceEvents()) change.ProduceTo(producer, partitions);
        producer.Flush(ct);

        Dictionary<string, string> Worker() => new()
        {
            ["Kafka__BootstrapServers"] = broker.BootstrapServers,
            ["Processors__ModelPath"] = modelPath, ["Processors__ApplicationId"] = applicationId,
            ["Processors__Partitions"] = partitions.ToString(), ["Processors__FlushIntervalMs"] = "1000",
            // Exact neighbour lists: the final scores are compared with the replay (within 1e-5).
            ["Processors__NeighbourStaleness"] = "0", ["Processors__SessionTimeoutMs"] = "6000",
            ["Processors__CommitIntervalMs"] = "1000", ["Processors__CompressionType"] = settings.Compression,
            ["Processors__StateDir"] = Directory.CreateTempSubdirectory("insights-soak-state-").FullName,
        };
        var survivor = InsightsProcess.Worker("survivor", Worker());
        var victim = InsightsProcess.Worker("victim", Worker());
        try
        {
            var clock = Stopwatch.StartNew();
            await WaitAsync(() => Task.FromResult(survivor.Ready && victim.Ready), () => $"both workers to run\n{survivor.Tail()}\n{victim.Tail()}", ct);
            output.WriteLine($"{label}: broker and two workers running after {clock.Elapsed.TotalSeconds:0.0} s; loading {tickets.Count:N0} tickets at {settings.Rate:N0}/s");

            var bytes = new long[partitions];
            var killed = 0;
            var killAt = Enumerable.Range(1, kills).Select(k => k * tickets.Count / (kills + 1)).ToHashSet();
            clock.Restart();
            for (var i = 0; i < tickets.Count; i++)
            {
                // Tickets are keyed by member: a member's tickets go to one partition and keep their order (docs/processors.md, Order).
                var partition = tickets[i].ProduceTo(producer, partitions);
                bytes[partition] += tickets[i].Key.Length + tickets[i].Value.Length;
                if (i % 100 == 99)
                {
                    var due = TimeSpan.FromSeconds((i + 1.0) / settings.Rate) - clock.Elapsed;
                    if (due > TimeSpan.Zero) await Task.Delay(due, ct);
                }
                if (killAt.Contains(i))
                {
                    killed++;
                    victim.Kill();
                    victim.Dispose();
                    if (survivor.HasExited) throw new BenchFailure($"the surviving worker exited\n{survivor.Tail()}");
                    victim = InsightsProcess.Worker("victim", Worker());
                    output.WriteLine($"{label}: kill -9 {killed}/{kills} at ticket {i + 1:N0}; the victim restarts on an empty state folder");
                }
                if ((i + 1) % (tickets.Count / 10) == 0)
                    output.WriteLine($"{label}: {i + 1,7:N0} tickets produced, {(await progress.CommittedAsync(options.TicketsTopic)).Sum(),7:N0} committed, " +
                        $"{scores.Updates:N0} score updates, {clock.Elapsed.TotalSeconds:0.0} s");
            }
            producer.Flush(ct);
            var loadSeconds = clock.Elapsed.TotalSeconds;
            output.WriteLine($"{label}: load done in {loadSeconds:0.0} s; tickets topic {bytes.Max() / 1048576.0:0.0} MiB uncompressed on the largest partition (producer compression {settings.Compression})");

            // Progress every 15 s, per partition, so a stalled partition shows while the run waits.
            var sinceReport = Stopwatch.StartNew();
            await WaitAsync(async () =>
            {
                var committed = await progress.CommittedAsync(options.TicketsTopic);
                var lag = await progress.RepartitionLagAsync();
                if (sinceReport.Elapsed > TimeSpan.FromSeconds(15))
                {
                    sinceReport.Restart();
                    var ends = progress.Ends(options.TicketsTopic);
                    output.WriteLine($"{label}: waiting: tickets committed {string.Join(" ", committed.Select((c, p) => $"p{p} {c}/{ends[p]}"))}, repartition lag {lag}, {clock.Elapsed.TotalSeconds:0} s");
                }
                return committed.Sum() == tickets.Count && lag == 0;
            }, () => $"every ticket processed\n{survivor.Tail()}\n{victim.Tail()}", ct);
            var drained = clock.Elapsed.TotalSeconds;
            output.WriteLine($"{label}: every ticket committed and the repartition topics drained {drained - loadSeconds:0.0} s after the load");

            var (largest, settled) = await ReplayCheck.VerifyAsync(broker, producer, partitions, cinema, expected, scores, progress, settings.Deadline, ct);
            return $"{tickets.Count:N0} tickets, {killed} kill(s), {expected.Count} members' scores equal the replay (largest difference {largest:0.0e0}, tolerance {ReplayCheck.Tolerance:0e0}) " +
                $"{settled.TotalSeconds:0.0} s after the drain; every movie's count equals its tickets; no partition trimmed";
        }
        finally
        {
            survivor.Dispose();
            victim.Dispose();
        }
    }

    private Task WaitAsync(Func<Task<bool>> condition, Func<string> what, CancellationToken ct) =>
        Poll.UntilAsync(condition, what, settings.Deadline, ct, TimeSpan.FromMilliseconds(250));
}
