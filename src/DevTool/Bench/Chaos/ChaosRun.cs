using System.Diagnostics;
using Insights.Capture.Position;
using Insights.Contracts;
using Insights.Contracts.Cinema;
using Insights.Contracts.Topics;
using Insights.DevTool.Demo;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.Propensity.Scoring;
using Insights.TestSupport;
using MySqlConnector;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// `insights bench chaos`: nothing bad in, nothing lost out. Per run, on a private MariaDB and s3rver and a fresh mock
/// broker: the cinema seeded from MovieLens, then the capture, two workers and the sink as `insights` child processes
/// while tickets are sold into MariaDB at a steady rate. During the sale the capture, one worker and the sink are each
/// killed with SIGKILL at random moments (<see cref="ChaosSchedule"/>) and started again at once, and MariaDB is
/// restarted once. Afterwards the run waits until the capture has sent every committed transaction and the workers have
/// processed every ticket, touches the catalog until every member is rescored, and then requires that the final scores
/// on the scores topic, in the sink's newest S3 snapshot and (with an Elasticsearch URL) in the score index all equal
/// the evaluation's in-process replay of what MariaDB committed, that each movie's published attendance count equals
/// its committed tickets (nothing counted twice or lost), and that the broker trimmed no partition.
/// </summary>
public sealed class ChaosRun(ChaosSettings settings, TextWriter output)
{
    /// <summary>Runs <see cref="ChaosSettings.Runs"/> times; one outcome per run.</summary>
    public async Task<IReadOnlyList<ChaosOutcome>> ExecuteAsync(CancellationToken ct)
    {
        if (settings.Problem() is { } problem) throw new CommandLineError(problem);
        var model = ScoringStream.LoadModel(settings.ModelPath);
        var plan = DemoPlanLoader.Load(settings.Dataset);
        var cut = CatalogCut.Of(plan, settings.LiveFraction);
        var needed = (long)Math.Ceiling(settings.Duration.TotalSeconds * settings.Rate);
        if (plan.Tickets.Count - cut.SeededTickets < needed)
            throw new CommandLineError($"--rate x --duration needs {needed:N0} tickets; {settings.Dataset.Name} leaves {plan.Tickets.Count - cut.SeededTickets:N0} after the seed");
        var outcomes = new List<ChaosOutcome>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            var label = $"chaos run {run}/{settings.Runs}";
            var clock = Stopwatch.StartNew();
            ChaosOutcome outcome;
            try
            {
                var figures = await RunOnceAsync(label, settings.Seed + run - 1, model, plan, cut, ct);
                outcome = new ChaosOutcome(figures.Failures.Count == 0, figures);
            }
            catch (ChaosFailure failure)
            {
                outcome = new ChaosOutcome(false, null, failure.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not CommandLineError)
            {
                // A broker or database call that failed outright ends this run with its reason; the next run starts afresh.
                outcome = new ChaosOutcome(false, null, $"{e.GetType().Name}: {e.Message}");
            }
            outcomes.Add(outcome);
            output.WriteLine($"{label}: {outcome.Verdict()} ({clock.Elapsed.TotalSeconds:0} s)");
        }
        return outcomes;
    }

    private async Task<ChaosFigures> RunOnceAsync(string label, int seed, PropensityModel model, CinemaPlan plan, CatalogCut cut, CancellationToken ct)
    {
        void Say(string line) => output.WriteLine($"{label}: {line}");
        var schedule = ChaosSchedule.Draw(seed, settings.Duration, settings.KillsPerRole, settings.RestartMariaDb);
        Say($"seed {seed}: {string.Join(", ", schedule.Select(a => $"{a.Target} at {a.At.TotalSeconds:0.0} s"))}");
        var logs = Directory.CreateTempSubdirectory("insights-chaos-logs-").FullName;
        Say($"role logs: {logs}");

        await using var stack = await ChaosStack.StartAsync(ct);
        var clock = Stopwatch.StartNew();
        await using (var db = await DemoDatabase.OpenAsync(stack.ConnectionString, ct))
        {
            var seeded = await new CinemaSeeder(db).SeedAsync(plan, cut, reset: true, null, ct);
            Say($"MariaDB and s3rver up in {stack.Folder}; seeded {seeded.Counts} from {settings.Dataset.Name} in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        var applicationId = $"insights-chaos-{Guid.NewGuid():N}"[..24];
        var partitions = settings.Partitions;
        await using var broker = await BrokerProcess.StartAsync(ProcessorManifest.For(applicationId, CinemaTables.DefaultTopicPrefix, partitions), ct: ct);
        using var progress = new ApplicationProgress(broker.BootstrapServers, applicationId, partitions);
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions);
        var roles = new ChaosRoles(settings, stack, broker.BootstrapServers, applicationId, logs);
        try
        {
            clock.Restart();
            await roles.StartAsync(settings.StepDeadline, ct);
            Say($"broker, two workers, capture and sink running after {clock.Elapsed.TotalSeconds:0.0} s; selling tickets at {settings.Rate}/s for {settings.Duration.TotalSeconds:0} s");

            var (restartDown, interruptions) = await LoadWithFaultsAsync(Say, schedule, stack, roles, progress, scores, plan, ct);
            var afterLoad = Stopwatch.StartNew();

            // Everything MariaDB committed must reach the topics: the capture's checkpoint reaches the server's binlog position.
            var binlogPosition = await BinlogPositionAsync(stack.ConnectionString, ct);
            await WaitAsync(roles, Say, () => Task.FromResult(CaptureCheckpoint.Load(roles.CheckpointPath)?.Gtid == binlogPosition),
                () => $"the capture to send every committed transaction (binlog at '{binlogPosition}', checkpoint at '{CaptureCheckpoint.Load(roles.CheckpointPath)?.Gtid}')", ct);
            var captured = afterLoad.Elapsed;
            var ticketsTopic = CinemaTables.Topic(CinemaTables.Tickets, CinemaTables.DefaultTopicPrefix);
            await WaitAsync(roles, Say, async () => await progress.CaughtUpAsync(ticketsTopic),
                () => $"the workers to process every ticket (tickets lag {progress.LagAsync(ticketsTopic).Result}, repartition lag {progress.RepartitionLagAsync().Result})", ct);
            var drained = afterLoad.Elapsed;
            Say($"capture caught up {captured.TotalSeconds:0.0} s and workers drained {drained.TotalSeconds:0.0} s after the load");

            var committed = await CommittedCinema.ReadAsync(stack.ConnectionString, ct);
            var expected = committed.ExpectedScores(model);
            var records = progress.Ends(ticketsTopic).Sum();
            Say($"MariaDB committed {committed.Attendances.Count:N0} tickets ({cut.SeededTickets:N0} seeded); the tickets topic holds {records:N0} records " +
                $"({records - committed.Attendances.Count:N0} sent again by restarted captures); {expected.Count} members to compare");

            var settle = Stopwatch.StartNew();
            var topic = await SettleAsync(Say, roles, stack, scores, expected, ct);
            var settled = settle.Elapsed;
            var failures = new List<string>();
            if (!topic.Equal) failures.Add(topic.Summary());
            var comparisons = new List<ScoreComparison> { topic };

            var counts = await CountsAsync(committed, broker.BootstrapServers, partitions, ct);
            if (counts is not null)
            {
                failures.Add(counts);
                Say(CollectiveAudit.Report(committed.Attendances, broker.BootstrapServers, applicationId, partitions));
            }
            // Not a failure: after a kill the new owner replays the events since the last commit and may score a member
            // half-way through them, below a version the dead worker had already sent; the sinks rightly skip that older
            // state, and the comparisons above check that each member's last version is its newest.
            if (!scores.VersionRegressions.IsEmpty)
                Say($"{scores.VersionRegressions.Count} score updates on the topic lower their member's version (partial replays after a kill; the sinks skip them): " +
                    string.Join("; ", scores.VersionRegressions.Take(3)));
            var deadLetters = DeadLetterCount.Read(broker.BootstrapServers);
            if (deadLetters.Count > 0)
                failures.Add($"dead letters (no bad input was sent): {string.Join("; ", deadLetters.Select(d => $"{d.Count} at {d.Stage}, e.g. {d.FirstError}"))}");

            var ends = progress.Ends(TopicNames.Scores);
            var snapshot = await FinalScores.SnapshotAsync(stack.S3.CreateStore(), ChaosRoles.SnapshotPrefix, ends,
                TimeSpan.FromSeconds(3 * settings.SnapshotIntervalSeconds + 60), ct);
            if (snapshot is null) failures.Add($"snapshot: the sink took no snapshot covering the settled scores topic within {3 * settings.SnapshotIntervalSeconds + 60} s");
            else
            {
                var inSnapshot = ScoreComparison.Of($"snapshot {snapshot.Value.Manifest.Id}", expected,
                    id => snapshot.Value.Members.TryGetValue(id, out var u) ? u.Scores : null);
                comparisons.Add(inSnapshot);
                if (!inSnapshot.Equal) failures.Add(inSnapshot.Summary());
            }

            if (settings.ElasticsearchUrl is { } url)
            {
                var sinkProgress = new ApplicationProgress(broker.BootstrapServers, roles.ElasticsearchGroup, partitions);
                using (sinkProgress)
                    await WaitAsync(roles, Say, async () => await sinkProgress.LagAsync(TopicNames.Scores) == 0,
                        () => "the sink to write every score record to Elasticsearch", ct);
                var documents = await FinalScores.ElasticsearchAsync(url, roles.ElasticsearchAlias, expected.Keys, ct);
                var inIndex = ScoreComparison.Of($"Elasticsearch {roles.ElasticsearchAlias}", expected, id => documents[id]?.Movies);
                comparisons.Add(inIndex);
                if (!inIndex.Equal) failures.Add(inIndex.Summary());
                var versions = expected.Keys.Count(id => documents[id] is { } d && scores.Latest.TryGetValue(id.ToString(), out var u) && u.Version != d.Version);
                if (versions > 0) failures.Add($"Elasticsearch: {versions} members hold another version than their last update on the topic");
            }

            var check = await broker.CheckAsync();
            if (!check.Succeeded) failures.Add($"the broker trimmed partitions (records lost):\n{check.Text}");
            foreach (var exit in roles.UnplannedExits) Say($"unplanned exit: {exit}");
            return new ChaosFigures(committed.Attendances.Count, cut.SeededTickets, records, comparisons, roles.Kills(), settings.RestartMariaDb ? 1 : 0,
                restartDown, interruptions, drained, settled, roles.UnplannedExits.Count, failures);
        }
        catch (WaitTimedOut timedOut)
        {
            throw new ChaosFailure($"{timedOut.Message}\n{roles.Tails()}");
        }
        finally
        {
            roles.Dispose();
        }
    }

    /// <summary>The ticket load for the run's duration, with each fault at its moment and every role watched for exits.</summary>
    private async Task<(TimeSpan? MariaDbDown, long Interruptions)> LoadWithFaultsAsync(Action<string> say, IReadOnlyList<ChaosAction> schedule, ChaosStack stack,
        ChaosRoles roles, ApplicationProgress progress, ScoreWatch scores, CinemaPlan plan, CancellationToken ct)
    {
        using var selling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = new ChaosLoad(stack.ConnectionString, plan, settings.Rate);
        var clock = Stopwatch.StartNew();
        string At() => $"{clock.Elapsed.TotalSeconds,5:0.0} s";
        var loading = Task.Run(() => load.RunAsync(line => say($"{At()}: {line}"), selling.Token), CancellationToken.None);
        Task<TimeSpan>? restart = null;
        var next = 0;
        var lastReport = TimeSpan.Zero;
        var ticketsTopic = CinemaTables.Topic(CinemaTables.Tickets, CinemaTables.DefaultTopicPrefix);
        while (clock.Elapsed < settings.Duration)
        {
            while (next < schedule.Count && clock.Elapsed >= schedule[next].At)
            {
                var action = schedule[next++];
                if (action.Target == ChaosTarget.MariaDb)
                {
                    say($"{At()}: restarting MariaDB (clean shutdown, start on the same data folder)");
                    restart = Task.Run(async () =>
                    {
                        var down = await stack.RestartMariaDbAsync(ct);
                        say($"{At()}: MariaDB is back after {down.TotalSeconds:0.0} s");
                        return down;
                    }, CancellationToken.None);
                }
                else say($"{At()}: {roles.KillAndRestart(action.Target)}");
            }
            foreach (var exit in roles.RestartExited()) say($"{At()}: {exit}; started again");
            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(15))
            {
                lastReport = clock.Elapsed;
                say($"{At()}: {await CommittedTicketsAsync(stack.ConnectionString)} tickets in MariaDB, {progress.Ends(ticketsTopic).Sum():N0} on the tickets topic, " +
                    $"{(await progress.CommittedAsync(ticketsTopic)).Sum():N0} processed, {scores.Updates:N0} score updates");
            }
            await Task.Delay(100, ct);
        }
        await selling.CancelAsync();
        await loading;
        var restartDown = restart is null ? (TimeSpan?)null : await restart;
        say($"{At()}: load stopped; {await CommittedTicketsAsync(stack.ConnectionString)} tickets in MariaDB");
        return (restartDown, load.Interruptions);
    }

    /// <summary>
    /// Touches the catalog through MariaDB (a movie's updated_at, which changes nothing the model reads) so every member is
    /// rescored against the settled collective state, until the topic's scores equal the replay or time runs out. Scores
    /// flushed during the load saw the collective state of their moment; each worker's global stores catch up on their
    /// own threads, hence the repeat. Touches are 2 s apart at least: a score version counts catalog changes in seconds.
    /// </summary>
    private async Task<ScoreComparison> SettleAsync(Action<string> say, ChaosRoles roles, ChaosStack stack, ScoreWatch scores,
        Dictionary<long, IReadOnlyList<MovieScoreValue>> expected, CancellationToken ct)
    {
        var settle = Stopwatch.StartNew();
        ScoreComparison Compare() => ScoreComparison.Of("topic", expected, id => scores.Latest.TryGetValue(id.ToString(), out var u) ? u.Scores : null);
        var comparison = Compare();
        for (var touch = 1; !comparison.Equal && settle.Elapsed < TimeSpan.FromSeconds(120); touch++)
        {
            await using (var db = await DemoDatabase.OpenAsync(stack.ConnectionString, ct))
            await using (var command = new MySqlCommand("UPDATE movies SET updated_at = updated_at + INTERVAL 1 SECOND WHERE status = 'now_showing' ORDER BY movie_id LIMIT 1", db))
                await command.ExecuteNonQueryAsync(ct);
            var touchedAt = settle.Elapsed;
            while (settle.Elapsed - touchedAt < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(500, ct);
                foreach (var exit in roles.RestartExited()) say($"settling: {exit}; started again");
                if ((comparison = Compare()).Equal) break;
            }
            if (!comparison.Equal) say($"settling: after touch {touch}, {comparison.Differences.Count} members still differ, e.g. {comparison.Differences[0]}");
            await Task.Delay(TimeSpan.FromSeconds(2) - (settle.Elapsed - touchedAt) is { Ticks: > 0 } rest ? rest : TimeSpan.Zero, ct);
        }
        say($"settled {settle.Elapsed.TotalSeconds:0.0} s after the drain: {comparison.Summary()}");
        return comparison;
    }

    /// <summary>Null when every movie's published attendance count equals its committed tickets (within 30 s of profile publishing).</summary>
    private static async Task<string?> CountsAsync(CommittedCinema committed, string bootstrap, int partitions, CancellationToken ct)
    {
        var sold = committed.TicketsPerMovie();
        List<string> wrong = [];
        var counted = new Dictionary<int, float>();
        try
        {
            await Poll.UntilAsync(() =>
            {
                counted = ApplicationProgress.ProfileCounts(bootstrap, partitions);
                wrong = sold.Where(s => counted.GetValueOrDefault(s.Key) != s.Value)
                    .Select(s => $"movie {s.Key}: {counted.GetValueOrDefault(s.Key)} counted, {s.Value} sold").ToList();
                return wrong.Count == 0;
            }, () => "every movie's published count to equal its tickets", TimeSpan.FromSeconds(30), ct, TimeSpan.FromSeconds(2));
            return null;
        }
        catch (WaitTimedOut)
        {
            // Short counts that one member's tickets explain point at that member's attendance changes lost on their way to the movie tasks.
            var short_ = sold.Where(s => counted.GetValueOrDefault(s.Key) < s.Value).Select(s => s.Key).ToHashSet();
            var suspects = committed.Attendances.GroupBy(a => a.MemberId)
                .Where(g => short_.Count > 0 && short_.IsSubsetOf(g.Select(a => a.MovieId)))
                .Select(g => $"member {g.Key} ({g.Count()} tickets)").Take(3).ToList();
            return $"{wrong.Count} of {sold.Count} movies' published attendance counts differ from their committed tickets " +
                $"({short_.Count} short, {wrong.Count - short_.Count} over), e.g. {string.Join("; ", wrong.Take(3))}" +
                (suspects.Count > 0 ? $"; every short movie is one of {string.Join(", ", suspects)}'s" : "");
        }
    }

    private static async Task<string> BinlogPositionAsync(string connectionString, CancellationToken ct)
    {
        await using var db = await DemoDatabase.OpenAsync(connectionString, ct);
        await using var command = new MySqlCommand("SELECT @@global.gtid_binlog_pos", db);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<string> CommittedTicketsAsync(string connectionString)
    {
        try
        {
            await using var db = new MySqlConnection(connectionString);
            await db.OpenAsync();
            await using var command = new MySqlCommand("SELECT COUNT(*) FROM tickets", db);
            return $"{Convert.ToInt64(await command.ExecuteScalarAsync()):N0}";
        }
        catch (MySqlException) { return "(MariaDB down)"; }
    }

    /// <summary>Waits for <paramref name="condition"/> up to the step deadline, restarting any role that exits meanwhile.</summary>
    private async Task WaitAsync(ChaosRoles roles, Action<string> say, Func<Task<bool>> condition, Func<string> what, CancellationToken ct)
    {
        await Poll.UntilAsync(async () =>
        {
            foreach (var exit in roles.RestartExited()) say($"waiting: {exit}; started again");
            return await condition();
        }, what, settings.StepDeadline, ct, TimeSpan.FromMilliseconds(500));
    }

    private sealed class ChaosFailure(string message) : Exception(message);
}
