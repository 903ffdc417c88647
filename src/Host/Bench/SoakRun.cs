using System.Diagnostics;
using Confluent.Kafka;
using Insights.Evaluation.Training;
using Insights.Host.Commands;
using Insights.Processors.Manifest;
using Insights.Processors.Topology;
using Insights.Propensity.Scoring;

namespace Insights.Host.Bench;

/// <summary>
/// `insights bench soak`: issue 5's scale-out soak on the local mock broker. Per run: a fresh broker with 4
/// partitions, two `insights worker` processes under one application id, a ticket load at a fixed rate during
/// which one worker is killed with SIGKILL (and restarted on an empty state folder, so it restores from the
/// changelogs) the given number of times. After the load every member's final scores must equal the evaluation's
/// replay of the same attendances (the crash test's check, at 100,000 tickets), every ticket must be in the
/// movie's published count equal to its tickets, and no partition may have been trimmed by the broker.
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
        var expected = ExpectedScores(cinema, model);
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
            catch (SoakFailure failure)
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
        await using var broker = await LocalBroker.StartAsync(ProcessorManifest.For(applicationId, "cdc", partitions), ct);
        var modelPath = Path.GetFullPath(settings.ModelPath);
        using var progress = new ApplicationProgress(broker.BootstrapServers, applicationId, partitions);
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions);
        // The load producer compresses like the workers: the mock keeps batches as produced, 5 MiB per partition.
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 50,
            CompressionType = Enum.Parse<CompressionType>(settings.Compression, ignoreCase: true),
        }).Build();
        var options = new Processors.ProcessorOptions { Model = Processors.Hosting.ScoringStream.LoadModel(modelPath) };
        foreach (var change in cinema.ReferenceEvents()) Produce(producer, change, partitions);
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
                var partition = Produce(producer, tickets[i], partitions);
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
                    if (survivor.HasExited) throw new SoakFailure($"the surviving worker exited\n{survivor.Tail()}");
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

            // Scores flushed during the load saw the collective state of their moment: a catalog change rescores every
            // member against the settled state. Each worker's global stores catch up on their own threads, so touch
            // again until the scores equal the replay or the deadline passes.
            var settle = Stopwatch.StartNew();
            List<string> differences;
            double largest;
            for (var touch = 1; ; touch++)
            {
                var at = ProcessorsBenchCinema.Start.AddDays(400 + touch);
                Produce(producer, cinema.Movie(1, cinema.Movies[0].Genres, "now_showing", at), partitions);
                producer.Flush(ct);
                // A member whose rescored content equals what it sent last sends nothing: wait for content, not versions.
                await WaitAsync(() => Task.FromResult(scores.Latest.Count == expected.Count && Differences(expected, scores).Members.Count == 0 || settle.Elapsed > TimeSpan.FromSeconds(30)),
                    () => $"every member rescored after catalog change {touch} ({scores.Latest.Count} of {expected.Count} members have scores)", ct);
                (differences, largest) = Differences(expected, scores);
                if (differences.Count == 0) break;
                if (settle.Elapsed > TimeSpan.FromSeconds(90))
                    throw new SoakFailure($"{differences.Count} of {expected.Count} members' scores differ from the replay, e.g. {string.Join("; ", differences.Take(3))}");
                await Task.Delay(2000, ct);
            }
            // The trim check comes first: a trimmed topic would otherwise fail below as wrong counts.
            var (intact, report) = await broker.CheckAsync();
            if (!intact) throw new SoakFailure($"the broker trimmed partitions (records lost):\n{report}");
            var wrongCounts = CountDifferences(cinema, progress.ProfileCounts());
            if (wrongCounts.Count > 0)
                throw new SoakFailure($"{wrongCounts.Count} movies' attendance counts differ from the tickets sold, e.g. {string.Join("; ", wrongCounts.Take(3))}");
            return $"{tickets.Count:N0} tickets, {killed} kill(s), {expected.Count} members' scores equal the replay (largest difference {largest:0.0e0}, tolerance {Tolerance:0e0}) " +
                $"{settle.Elapsed.TotalSeconds:0.0} s after the drain; every movie's count equals its tickets; no partition trimmed";
        }
        finally
        {
            survivor.Dispose();
            victim.Dispose();
        }
    }

    /// <summary>Movies whose published count is not the number of tickets sold for them (a ticket lost or counted twice).</summary>
    private static List<string> CountDifferences(ProcessorsBenchCinema cinema, Dictionary<int, float> counts)
    {
        var sold = cinema.Attendances.GroupBy(a => a.MovieId).ToDictionary(g => g.Key, g => g.Count());
        return sold.Where(s => counts.GetValueOrDefault(s.Key) != s.Value)
            .Select(s => $"movie {s.Key}: {counts.GetValueOrDefault(s.Key)} counted, {s.Value} sold").ToList();
    }

    /// <summary>Produces the change to its topic and partition; returns the partition.</summary>
    private static int Produce(IProducer<byte[], byte[]> producer, CinemaEvent change, int partitions)
    {
        var partition = change.Partition(partitions);
        producer.Produce(new TopicPartition(change.Topic(), partition), new Message<byte[], byte[]> { Key = change.Key, Value = change.Value });
        return partition;
    }

    /// <summary>Each member's scores from the evaluation's replay: (movie, probability, seen), by movie.</summary>
    private static Dictionary<string, List<(int MovieId, double Score, bool Seen)>> ExpectedScores(ProcessorsBenchCinema cinema, PropensityModel model)
    {
        var dataset = cinema.Dataset();
        var replay = new StreamingReplay(dataset, model.Settings);
        replay.ApplyAll(cinema.Attendances);
        var scorer = new PropensityScorer(model, dataset.Catalog);
        var candidates = cinema.Candidates.Order().ToArray();
        var expected = new Dictionary<string, List<(int, double, bool)>>();
        foreach (var memberId in cinema.Attendances.Select(a => a.MemberId).Distinct())
        {
            var member = replay.MemberOf(memberId);
            var scores = new CandidateScore[candidates.Length];
            scorer.Score(member, candidates, replay.Collective, member.LastAt ?? 0, scores);
            expected[memberId.ToString()] = scores.Select(s => (s.MovieId, Math.Round((double)s.Probability, 6), s.AlreadySeen)).OrderBy(s => s.Item1).ToList();
        }
        return expected;
    }

    /// <summary>
    /// Members whose scores differ from the replay by more than <see cref="Tolerance"/> (or in movies or seen flags), and
    /// the largest difference seen. The workers apply other members' collective updates in an interleaving of the
    /// partitions, so sums agree up to float rounding: a comparison of rounded digits fails at rounding boundaries.
    /// </summary>
    private static (List<string> Members, double Largest) Differences(Dictionary<string, List<(int MovieId, double Score, bool Seen)>> expected, ScoreWatch scores)
    {
        var differences = new List<string>();
        var largest = 0.0;
        foreach (var (memberId, want) in expected)
        {
            if (!scores.Latest.TryGetValue(memberId, out var update)) { differences.Add($"member {memberId}: no scores"); continue; }
            var got = update.Scores.OrderBy(s => s.MovieId).ToList();
            var pairs = want.Zip(got).ToList();
            largest = Math.Max(largest, pairs.Select(p => Math.Abs(p.First.Score - p.Second.Score)).DefaultIfEmpty().Max());
            var wrong = pairs.Where(p => p.First.MovieId != p.Second.MovieId || p.First.Seen != p.Second.Seen
                || Math.Abs(p.First.Score - p.Second.Score) > Tolerance).ToList();
            if (want.Count != got.Count || wrong.Count > 0)
                differences.Add($"member {memberId}: " + string.Join(", ", wrong.Take(2).Select(p => $"movie {p.First.MovieId} {p.First.Score:0.000000}/{p.First.Seen} vs {p.Second.Score:0.000000}/{p.Second.Seen}")));
        }
        return (differences, largest);
    }

    private const double Tolerance = 1e-5;

    private async Task WaitAsync(Func<Task<bool>> condition, Func<string> what, CancellationToken ct)
    {
        try { await Poll.UntilAsync(condition, what, settings.Deadline, ct, TimeSpan.FromMilliseconds(250)); }
        catch (WaitTimedOut timedOut) { throw new SoakFailure(timedOut.Message); }
    }

    private sealed class SoakFailure(string message) : Exception(message);
}
