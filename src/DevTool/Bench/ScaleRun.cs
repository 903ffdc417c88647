using System.Diagnostics;
using Confluent.Kafka;
using Insights.DevTool.Commands;
using Insights.Processors.Manifest;
using Insights.Processors.Topology;
using Insights.TestSupport;

namespace Insights.DevTool.Bench;

/// <summary>
/// `insights bench scale`: workers join and leave a busy group on the local mock broker. A fresh broker with
/// <see cref="Settings.Partitions"/> partitions, one `insights worker`, then a steady ticket load (a member's tickets in
/// one partition) during which a second and a third worker join, then the second stops gracefully (SIGTERM) and the
/// third is killed (SIGKILL), so the group goes 1 -> 2 -> 3 -> 2 -> 1. Every second the run samples the group's
/// committed offset on every partition of the tickets topic and both repartition topics; a partition is idle while its
/// committed offset does not advance although it has lag. The run fails when any partition was idle longer than the
/// session timeout plus 10 s, or when the final scores differ from the evaluation's replay (the soak's check).
/// </summary>
internal sealed class ScaleRun(ScaleRun.Settings settings, TextWriter output)
{
    public sealed record Settings(string ModelPath, int Rate, int Seconds, int Members, int Movies, int Partitions, string Compression,
        int SessionTimeoutMs, int? MaxPollIntervalMs, int? CommitIntervalMs, string? WorkerDebug, string? LogFolder, TimeSpan Deadline)
    {
        /// <summary>The workers' settings this run passes on (the rest are the workers' defaults), to validate them as the workers will.</summary>
        public Processors.Hosting.WorkerSettings Workers()
        {
            var workers = new Processors.Hosting.WorkerSettings
            {
                ModelPath = ModelPath, Partitions = Partitions, SessionTimeoutMs = SessionTimeoutMs, CommitIntervalMs = CommitIntervalMs,
                ConsumerDebug = WorkerDebug, CompressionType = Compression,
            };
            return MaxPollIntervalMs is { } maxPoll ? workers with { MaxPollIntervalMs = maxPoll } : workers;
        }
    }

    /// <summary>The longest a partition may be idle: a vanished worker is noticed after the session timeout, and the rebalance and the restore get 10 s.</summary>
    public TimeSpan IdleBound => TimeSpan.FromMilliseconds(settings.SessionTimeoutMs) + TimeSpan.FromSeconds(10);

    private enum Change { Join, Stop, Kill }

    /// <summary>The changes of the group during the load: at which fraction of the tickets, what happens, to which worker.</summary>
    private static readonly (double At, Change Change, string Worker)[] Steps =
        [(0.15, Change.Join, "w2"), (0.35, Change.Join, "w3"), (0.55, Change.Stop, "w2"), (0.75, Change.Kill, "w3")];

    public async Task<bool> ExecuteAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        string verdict;
        var passed = false;
        try
        {
            verdict = await RunAsync(ct);
            passed = true;
        }
        catch (Exception failure) when (failure is BenchFailure or WaitTimedOut)
        {
            verdict = "FAIL: " + failure.Message;
        }
        output.WriteLine($"scale: {verdict} ({clock.Elapsed.TotalSeconds:0} s)");
        return passed;
    }

    private async Task<string> RunAsync(CancellationToken ct)
    {
        var tickets = settings.Rate * settings.Seconds;
        var model = Processors.Hosting.ScoringStream.LoadModel(settings.ModelPath);
        var cinema = new ProcessorsBenchCinema(settings.Movies, settings.Members, tickets);
        var load = Enumerable.Range(0, tickets).Select(cinema.Ticket).ToList();
        var expected = ReplayCheck.ExpectedScores(cinema, model);
        var applicationId = $"insights-scale-{Guid.NewGuid():N}"[..24];
        var partitions = settings.Partitions;
        var options = new Processors.ProcessorOptions { Model = model, ApplicationId = applicationId, Partitions = partitions };
        await using var broker = await BrokerProcess.StartAsync(ProcessorManifest.For(applicationId, "cdc", partitions), ct: ct);
        using var progress = new ApplicationProgress(broker.BootstrapServers, applicationId, partitions);
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions);
        using var producer = broker.LoadProducer(settings.Compression, lingerMs: 20);
        foreach (var change in cinema.ReferenceEvents()) change.ProduceTo(producer, partitions);
        producer.Flush(ct);

        var modelPath = Path.GetFullPath(settings.ModelPath);
        // A new temp folder unless one is given: created only now, so a run refused by validation leaves nothing behind.
        var logFolder = settings.LogFolder is { } folder ? Directory.CreateDirectory(folder).FullName : Directory.CreateTempSubdirectory("insights-scale-logs-").FullName;
        var workers = new Dictionary<string, InsightsProcess>();
        InsightsProcess Start(string name)
        {
            var environment = new Dictionary<string, string>
            {
                ["Kafka__BootstrapServers"] = broker.BootstrapServers,
                ["Processors__ModelPath"] = modelPath, ["Processors__ApplicationId"] = applicationId,
                ["Processors__Partitions"] = partitions.ToString(), ["Processors__FlushIntervalMs"] = "1000",
                // Exact neighbour lists: the final scores are compared with the replay (within 1e-5).
                ["Processors__NeighbourStaleness"] = "0", ["Processors__SessionTimeoutMs"] = settings.SessionTimeoutMs.ToString(),
                ["Processors__CompressionType"] = settings.Compression,
                // A new pod: an empty state folder, so the tasks it gets are restored from the changelogs.
                ["Processors__StateDir"] = Directory.CreateTempSubdirectory("insights-scale-state-").FullName,
            };
            if (settings.MaxPollIntervalMs is { } maxPoll) environment["Processors__MaxPollIntervalMs"] = maxPoll.ToString();
            if (settings.CommitIntervalMs is { } commit) environment["Processors__CommitIntervalMs"] = commit.ToString();
            if (settings.WorkerDebug is { } debug)
            {
                environment["Processors__ConsumerDebug"] = debug;
                environment["Logging__LogLevel__Streamiz.Kafka.Net.Kafka.KafkaLoggerAdapter"] = "Debug";
            }
            return workers[name] = InsightsProcess.Worker(name, environment);
        }

        var clock = Stopwatch.StartNew();
        var stops = new List<Task>();
        try
        {
            var first = Start("w1");
            await WaitAsync(() => Task.FromResult(first.Ready), () => $"the first worker to run\n{first.Tail()}", ct);
            // Every member row reaches the member tasks before the member's tickets, as in the replay (see CrashSafetyTests).
            await WaitAsync(async () => (await progress.CommittedAsync(options.MembersTopic)).Sum() == cinema.Members.Length,
                () => $"the member rows processed\n{first.Tail()}", ct);
            output.WriteLine($"scale: broker ({partitions} partitions) and worker w1 running after {clock.Elapsed.TotalSeconds:0.0} s; " +
                $"loading {tickets:N0} tickets at {settings.Rate:N0}/s; session timeout {settings.SessionTimeoutMs} ms, " +
                $"max.poll.interval.ms {settings.Workers().MaxPollIntervalMs} ms, idle bound {IdleBound.TotalSeconds:0} s");

            string[] watched = [options.TicketsTopic, ProcessorTopics.RepartitionTopic(applicationId),
                ProcessorTopics.RepartitionTopic(applicationId, ProcessorTopics.CollectiveDeltasRepartition)];
            var events = new List<(TimeSpan At, string What)>();
            clock.Restart();
            await using var idle = new PartitionIdleWatch(progress, watched, clock, TimeSpan.FromSeconds(1));
            void Event(string what)
            {
                // A graceful stop reports its exit from its own task.
                lock (events)
                {
                    events.Add((clock.Elapsed, what));
                    output.WriteLine($"scale: t={clock.Elapsed.TotalSeconds,5:0.0} s  {what}");
                }
            }

            var nextReport = TimeSpan.FromSeconds(10);
            var step = 0;
            for (var i = 0; i < load.Count; i++)
            {
                // Tickets are keyed by member: a member's tickets go to one partition and keep their order.
                load[i].ProduceTo(producer, partitions);
                if (step < Steps.Length && i == (int)(Steps[step].At * load.Count))
                {
                    var (_, change, name) = Steps[step++];
                    switch (change)
                    {
                        case Change.Join:
                            Start(name);
                            Event($"{name} joins the group (ticket {i + 1:N0})");
                            break;
                        case Change.Stop:
                            Event($"{name} stops gracefully, SIGTERM (ticket {i + 1:N0})");
                            var stopping = workers[name];
                            // Off the load's loop: the graceful stop takes seconds, and the tickets keep coming meanwhile.
                            stops.Add(Task.Run(() =>
                            {
                                var clean = stopping.Stop(TimeSpan.FromSeconds(60));
                                Event($"{name} exited{(clean ? "" : " only when killed after 60 s")}");
                            }, ct));
                            break;
                        case Change.Kill:
                            workers[name].Kill();
                            Event($"{name} killed, SIGKILL (ticket {i + 1:N0})");
                            break;
                    }
                }
                if (i % 50 == 49)
                {
                    var due = TimeSpan.FromSeconds((i + 1.0) / settings.Rate) - clock.Elapsed;
                    if (due > TimeSpan.Zero) await Task.Delay(due, ct);
                }
                if (clock.Elapsed >= nextReport)
                {
                    nextReport += TimeSpan.FromSeconds(10);
                    output.WriteLine($"scale: t={clock.Elapsed.TotalSeconds,5:0.0} s  {i + 1,7:N0} tickets produced, {Committed(idle, options.TicketsTopic),7:N0} committed; {Workers(workers)}; {IdleReport(idle)}");
                }
            }
            producer.Flush(ct);
            Event($"load done: {load.Count:N0} tickets in {clock.Elapsed.TotalSeconds:0.0} s");

            await WaitAsync(async () =>
            {
                var committed = (await progress.CommittedAsync(options.TicketsTopic)).Sum();
                var lag = await progress.RepartitionLagAsync();
                if (clock.Elapsed >= nextReport)
                {
                    nextReport += TimeSpan.FromSeconds(10);
                    output.WriteLine($"scale: t={clock.Elapsed.TotalSeconds,5:0.0} s  draining: {committed:N0} of {load.Count:N0} tickets committed, repartition lag {lag:N0}; {Workers(workers)}; {IdleReport(idle)}");
                }
                return committed == load.Count && lag == 0;
            }, () => $"every ticket processed\n{string.Join("\n", workers.Values.Select(w => $"{w.Name}:\n{w.Tail()}"))}", ct);
            Event("every ticket committed and both repartition topics drained");
            await Task.WhenAll(stops);
            await idle.DisposeAsync();

            var report = idle.Partitions;
            output.WriteLine($"scale: longest idle per partition (s), {idle.Samples} samples ({idle.FailedSamples} failed), bound {IdleBound.TotalSeconds:0} s:");
            foreach (var topic in report.GroupBy(r => r.Topic))
                output.WriteLine($"  {topic.Key,-58} {string.Join(" ", topic.Select(r => $"p{r.Partition} {r.Longest.TotalSeconds,4:0.0}"))}");
            var worst = report.MaxBy(r => r.Longest)!;
            var before = events.ToList().LastOrDefault(e => e.At <= worst.EndedAt - worst.Longest + TimeSpan.FromSeconds(1));
            var worstText = $"{worst.Topic} p{worst.Partition} idle {worst.Longest.TotalSeconds:0.0} s, until t={worst.EndedAt.TotalSeconds:0.0} s" +
                (before.What is null ? "" : $" (after \"{before.What}\" at t={before.At.TotalSeconds:0.0} s)");
            output.WriteLine($"scale: longest: {worstText}");
            // What the workers logged about the rebalances: a periodic commit the coordinator refused makes Streamiz drop
            // every task and rejoin; a revocation's refused commit is dropped and the revocation goes on.
            var fenced = workers.Values.Sum(w => Count(w.Output, "Detected that the thread is being fenced"));
            var refused = workers.Values.Sum(w => Count(w.Output, "revoked partitions refused"));
            output.WriteLine($"scale: workers' rebalances: {fenced} periodic commit(s) refused (Streamiz dropped its tasks and rejoined), " +
                $"{refused} revocation commit(s) refused and dropped (the revocation went on)");

            var (largest, settled) = await ReplayCheck.VerifyAsync(broker, producer, partitions, cinema, expected, scores, progress, settings.Deadline, ct);
            var over = report.Where(r => r.Longest > IdleBound).ToList();
            var scoresText = $"{expected.Count} members' scores equal the replay (largest difference {largest:0.0e0}, tolerance {ReplayCheck.Tolerance:0e0}) {settled.TotalSeconds:0.0} s after the drain; " +
                "every movie's count equals its tickets; no partition trimmed";
            if (over.Count > 0)
                throw new BenchFailure($"{over.Count} partition(s) idle longer than {IdleBound.TotalSeconds:0} s, longest {worstText}; {scoresText}");
            return $"PASS: {load.Count:N0} tickets, workers 1 -> 2 -> 3 -> 2 -> 1, longest idle {worstText} (bound {IdleBound.TotalSeconds:0} s); {scoresText}";
        }
        finally
        {
            foreach (var worker in workers.Values)
            {
                // The survivors stop gracefully, so their logs end with the shutdown; then every log is kept for reading.
                if (!worker.HasExited) worker.Stop(TimeSpan.FromSeconds(30));
                await File.WriteAllTextAsync(Path.Combine(logFolder, $"{worker.Name}.log"), worker.Output, CancellationToken.None);
                worker.Dispose();
            }
            output.WriteLine($"scale: worker logs in {logFolder}");
        }
    }

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static long Committed(PartitionIdleWatch idle, string topic) => idle.Offsets.Where(o => o.Topic == topic).Sum(o => o.Committed);

    private static string Workers(Dictionary<string, InsightsProcess> workers) =>
        string.Join(", ", workers.Values.Select(w => $"{w.Name} {(w.HasExited ? "gone" : w.Ready ? "ready" : "not ready")}"));

    private static string IdleReport(PartitionIdleWatch idle)
    {
        var now = idle.IdleNow(TimeSpan.FromSeconds(3));
        var longest = idle.Partitions.MaxBy(p => p.Longest);
        return (now.Count == 0 ? "no partition idle" : "idle now: " + string.Join("; ", now.GroupBy(n => Short(n.Topic))
                .Select(t => $"{t.Key} " + string.Join(" ", t.OrderBy(n => n.Partition).Select(n => $"p{n.Partition} {n.For.TotalSeconds:0}s")))))
            + (longest is null ? "" : $"; longest so far {longest.Longest.TotalSeconds:0.0} s");
    }

    private static string Short(string topic) => topic.EndsWith("-repartition", StringComparison.Ordinal)
        ? topic.Contains("collective", StringComparison.Ordinal) ? "collective-deltas" : "member-events" : "tickets";

    private Task WaitAsync(Func<Task<bool>> condition, Func<string> what, CancellationToken ct) =>
        Poll.UntilAsync(condition, what, settings.Deadline, ct, TimeSpan.FromMilliseconds(250));
}
