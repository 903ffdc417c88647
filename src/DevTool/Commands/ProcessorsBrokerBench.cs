using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Topics;
using Insights.DevTool.Bench;
using Insights.Host.Observability;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.Processors.Topology;
using Insights.TestSupport;
using static Insights.TestSupport.Statistics;

namespace Insights.DevTool.Commands;

/// <summary>
/// `insights bench processors --broker`: the scoring topology in real `insights worker` processes on the local mock
/// broker, against a bare Streamiz application in the same setup. Every configuration of a run gets a fresh broker
/// (same program, partitions, compression and records): the count baseline (<see cref="TicketCountBaseline"/>) and
/// 1, 2, 4... workers. Each configuration is started empty, receives the cinema's movies, sessions and members (all
/// positioned before the first ticket), then a warm-up load of the history's first tickets in rounds, each waited on
/// until every ticket is reflected, until the runtime's background JIT is idle (<see cref="WarmUpAsync"/>); then the
/// measured load is produced at once and timed until it is processed (the baseline counted its last ticket; for workers
/// every member's newest score is at or after the member's last ticket), and on until it is committed (on the tickets
/// topic, no repartition lag). The CPU of the measured processes is read from /proc at the load's start and once it is committed. The 1-worker
/// configuration then takes a paced load for event-to-score latency, and a fresh worker on an empty state folder
/// times the restore of everything before, from the changelogs as written and from compacted copies of them
/// (<see cref="CompactedChangelog"/>). Medians of the runs; every per-run value is kept.
/// </summary>
internal sealed class ProcessorsBrokerBench(ProcessorsBrokerBench.Settings settings, TextWriter output, TextWriter progress)
{
    public sealed record Settings(string ModelPath, int Runs, int Members, int Movies, double ZipfExponent, int WarmupTickets, int Tickets,
        int LatencyTickets, int Rate, int Partitions, IReadOnlyList<int> Workers, string Compression, bool Json, int StreamThreads = 1,
        IReadOnlyList<KeyValuePair<string, string>>? WorkerSettings = null);

    /// <summary>A `Processors:KEY=VALUE` worker setting as its configuration key and value, or null when it is not one.</summary>
    public static KeyValuePair<string, string>? WorkerSetting(string setting) =>
        setting.Split('=', 2) is [var key, var value] && key.StartsWith($"{WorkerSettings.Section}:", StringComparison.Ordinal) && key.Length > WorkerSettings.Section.Length + 1
            ? new(key, value) : null;

    /// <summary>How long any one step may take before the run fails, naming the step.</summary>
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(15);

    private readonly List<InsightsProcess> running = [];
    private readonly Dictionary<InsightsProcess, string> stateFolders = [];
    // Where each process serves /metrics (Observability:Urls): its bytes allocated and GC pauses come from the runtime meter there.
    private readonly Dictionary<InsightsProcess, string> metricsUrls = [];
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private volatile string? deliveryFailure;
    private ProcessorsBenchCinema cinema = null!;
    private List<CinemaEvent> reference = null!;
    private List<CinemaEvent> warmup = null!, measured = null!, paced = null!;

    public async Task ExecuteAsync(CancellationToken ct)
    {
        var total = settings.WarmupTickets + settings.Tickets + settings.LatencyTickets;
        progress.WriteLine($"bench processors --broker: making the cinema ({settings.Members:N0} members, {settings.Movies:N0} movies, {total:N0} tickets)");
        cinema = ProcessorsBenchCinema.Zipf(settings.Movies, settings.Members, total, settings.ZipfExponent);
        // Every event is encoded once, before any timing: the bench's own CPU during a drain is the producer's, not JSON writing.
        reference = cinema.ReferenceEvents().ToList();
        var tickets = Enumerable.Range(0, total).Select(cinema.Ticket).ToList();
        warmup = tickets[..settings.WarmupTickets];
        measured = tickets.GetRange(settings.WarmupTickets, settings.Tickets);
        paced = tickets[(settings.WarmupTickets + settings.Tickets)..];
        var workload = Describe(tickets);
        progress.WriteLine($"bench processors --broker: {workload.MembersInMeasuredLoad:N0} members buy in the measured load; the most popular movie sells " +
            $"{workload.TopMovieShare:P1} of tickets; tickets topic {workload.TicketsUncompressedMibLargestPartition:0.0} MiB uncompressed on the largest of {settings.Partitions} " +
            $"partitions (the mock keeps 5 MiB per partition as produced, {settings.Compression})");

        var runs = new List<RunFigures>();
        try
        {
            for (var run = 1; run <= settings.Runs; run++)
            {
                // Baseline first in odd runs, last in even ones, so no configuration always runs on the warmest (or most disturbed) machine.
                var order = Configurations.ToList();
                if (run % 2 == 0) order.Reverse();
                var figures = new RunFigures(run);
                foreach (var workers in order)
                {
                    var label = $"run {run}/{settings.Runs}, {Configuration(workers)}";
                    if (workers == 0) figures.Baseline = await BaselineAsync(label, 1, ct);
                    else if (workers < 0) figures.ScaledBaseline = await BaselineAsync(label, -workers, ct);
                    else figures.Workers[workers] = await WorkersAsync(label, workers, figures, ct);
                }
                runs.Add(figures);
            }
        }
        catch (WaitTimedOut timedOut)
        {
            foreach (var process in running) progress.WriteLine($"--- {process.Name}, last lines:\n{process.Tail()}");
            throw new CommandLineError($"bench processors --broker: {timedOut.Message}");
        }
        var report = Figures(runs);
        if (settings.Json) WriteJson(workload, report);
        else WriteTable(workload, report);
    }

    /// <summary>0: the count baseline; -n: the count baseline in n processes; n: n workers.</summary>
    private static string Configuration(int workers) =>
        workers == 0 ? "count baseline" : workers < 0 ? $"count baseline, {-workers} processes" : workers == 1 ? "1 worker" : $"{workers} workers";

    /// <summary>The figures' key of a configuration: baseline, baseline_n, workers_n.</summary>
    private static string Key(int configuration) =>
        configuration == 0 ? "baseline" : configuration < 0 ? $"baseline_{-configuration}" : $"workers_{configuration}";

    /// <summary>The process count of the scaled count baseline: the most workers of the run, when more than one.</summary>
    private int? ScaledBaseline => settings.Workers.Max() is > 1 and var most ? most : null;

    /// <summary>
    /// Every configuration of a run: the count baseline, the count baseline in as many processes as the most workers
    /// (what scaling out costs a bare application), then the workers.
    /// </summary>
    private IEnumerable<int> Configurations =>
        new[] { 0 }.Concat(ScaledBaseline is { } scaled ? [-scaled] : []).Concat(settings.Workers);

    private Workload Describe(List<CinemaEvent> tickets)
    {
        var bytes = new long[settings.Partitions];
        foreach (var ticket in tickets) bytes[ticket.Partition(settings.Partitions)] += ticket.Key.Length + ticket.Value.Length;
        var sold = cinema.Attendances.GroupBy(a => a.MovieId).Max(g => g.Count());
        return new Workload(settings.Members, settings.Movies, cinema.Candidates.Length, settings.ZipfExponent,
            cinema.Attendances.Skip(settings.WarmupTickets).Take(settings.Tickets).Select(a => a.MemberId).Distinct().Count(),
            (double)sold / cinema.Attendances.Count, settings.WarmupTickets, settings.Tickets, settings.LatencyTickets, settings.Rate,
            settings.Partitions, settings.Compression, settings.StreamThreads, settings.Runs, settings.Workers, bytes.Max() / 1048576.0, 0,
            (settings.WorkerSettings ?? []).ToDictionary(p => p.Key, p => p.Value));
    }

    /// <summary>
    /// The count baseline in <paramref name="count"/> processes of one application: started empty, warm-up, then the
    /// measured load until the application committed all of it.
    /// </summary>
    private async Task<DrainFigures> BaselineAsync(string label, int count, CancellationToken ct)
    {
        var applicationId = NewApplicationId();
        await using var broker = await BrokerProcess.StartAsync(Manifest(applicationId), ct: ct);
        using var application = new ApplicationProgress(broker.BootstrapServers, applicationId, settings.Partitions);
        using var producer = Producer(broker);
        // As with the workers, every process joins before any record flows.
        var processes = Enumerable.Range(1, count).Select(n => Start($"count baseline {n}", broker, applicationId, ["bench", "ticket-count"])).ToList();
        try
        {
            await WaitAsync(label, "the count processes to run", () => Task.FromResult(processes.All(p => p.Ready)), () => Task.FromResult(""), ct);
            progress.WriteLine($"{label}: running after {processes.Max(p => p.Age).TotalSeconds:0.0} s");
            // The same records as the workers get; the count reads only the tickets.
            await LoadAsync(producer, reference, null, ct);
            await WarmUpAsync(label, processes, producer, null, application, ct);
            await CheckAsync(label, "the warm-up", broker);
            var drain = await DrainAsync(label, broker, processes, producer, null, application, ct);
            await CheckAsync(label, "the drain", broker);
            return drain;
        }
        finally
        {
            foreach (var process in processes) Stop(process);
        }
    }

    /// <summary>
    /// <paramref name="count"/> workers: started empty, the cinema's rows and the warm-up scored, then the measured load until
    /// drained. With one worker, the paced latency load follows in the same process, then the restore in a fresh one.
    /// </summary>
    private async Task<DrainFigures> WorkersAsync(string label, int count, RunFigures figures, CancellationToken ct)
    {
        var applicationId = NewApplicationId();
        // One worker ends with a restore from compacted copies of its changelogs, under an application of their own.
        var compactedId = NewApplicationId();
        await using var broker = await BrokerProcess.StartAsync(count == 1 ? Manifest(applicationId, compactedId) : Manifest(applicationId), ct: ct);
        using var application = new ApplicationProgress(broker.BootstrapServers, applicationId, settings.Partitions);
        var pending = new PendingScores();
        using var scores = new ScoreWatch(broker.BootstrapServers, settings.Partitions, pending.Arrived, keepLatest: false);
        using var producer = Producer(broker);
        // Every worker joins before any record flows: a member joining a busy group on the mock broker makes the busy
        // members drop their tasks and rejoin (the mock refuses commits while its group joins), a pause the drain would include.
        var workers = Enumerable.Range(1, count).Select(w => Start($"worker {w}", broker, applicationId)).ToList();
        try
        {
            await WaitAsync(label, "the workers to run", () => Task.FromResult(workers.All(w => w.Ready) && (count > 1 || workers[0].WroteAt(TasksRestored) is not null)),
                () => Task.FromResult(""), ct);
            var emptyStart = count == 1 ? workers[0].WroteAt(TasksRestored)!.Value.TotalSeconds : double.NaN;
            progress.WriteLine($"{label}: running after {workers.Max(w => w.Age).TotalSeconds:0.0} s; loading {reference.Count:N0} movie, session and member rows");
            await LoadAsync(producer, reference, pending, ct);
            await WaitAsync(label, "every member's first scores", async () => pending.Count == 0 && await application.CaughtUpAsync(TicketsTopic),
                () => Status(application, pending), ct);
            await WarmUpAsync(label, workers, producer, pending, application, ct);
            await CheckAsync(label, "the warm-up", broker);
            var drain = await DrainAsync(label, broker, workers, producer, pending, application, ct);
            await CheckAsync(label, "the drain", broker);
            await CheckCountsAsync(label, broker, warmup.Count + measured.Count, ct);
            if (count == 1)
            {
                figures.Latency = await LatencyAsync(label, producer, pending, application, ct);
                await CheckAsync(label, "the paced load", broker);
                figures.Restore = await RestoreAsync(label, broker, applicationId, compactedId, workers[0], application, emptyStart, ct);
                await CheckAsync(label, "the restore", broker);
            }
            return drain;
        }
        finally
        {
            foreach (var worker in workers) Stop(worker);
        }
    }

    /// <summary>The tickets the count baseline's processes counted so far, as they last printed it (0 for workers, which print none).</summary>
    private static long Counted(List<InsightsProcess> processes) =>
        processes.Sum(p => p.LastLine(TicketCountBaseline.CountedLine) is { } line ? TicketCountBaseline.CountedIn(line) ?? 0 : 0);

    /// <summary>
    /// The warm-up tickets in rounds of a tenth, each waited on until processed (and, for workers, scored), then given a
    /// second of quiet. The runtime compiles a hot method again, optimised with the profile of its first calls, on a
    /// background thread after a delay; that work belongs to a process's start, not to its events. Once a round left
    /// every process's background JIT idle (under 10 ms) the rounds that remain go without the quiet second: every
    /// configuration gets every warm-up ticket, so each drain starts from the same history. The drain's figures say how
    /// much JIT was still to come.
    /// </summary>
    private async Task WarmUpAsync(string label, List<InsightsProcess> processes, IProducer<byte[], byte[]> producer, PendingScores? pending,
        ApplicationProgress application, CancellationToken ct)
    {
        const int Rounds = 10;
        var quiet = TimeSpan.FromSeconds(1);
        var settled = false;
        for (var round = 0; round < Rounds; round++)
        {
            var slice = warmup[(warmup.Count * round / Rounds)..(warmup.Count * (round + 1) / Rounds)];
            var jitBefore = processes.Select(p => p.JitCpuSeconds).ToList();
            await LoadAsync(producer, slice, pending, ct);
            await WaitAsync(label, $"warm-up round {round + 1} processed", async () => (pending is null || pending.Count == 0) && await application.CaughtUpAsync(TicketsTopic),
                () => Status(application, pending), ct);
            if (settled) continue;
            await Task.Delay(quiet, ct);
            var jit = processes.Select((p, i) => p.JitCpuSeconds - jitBefore[i]).ToList();
            progress.WriteLine($"{label}: warm-up round {round + 1}, {slice.Count:N0} tickets: background JIT {jit.Sum():0.00} s");
            settled = jit.All(seconds => seconds < 0.01);
        }
    }

    /// <summary>
    /// The measured load, produced at once: seconds from the first produce call until the application is drained, and
    /// the CPU seconds the measured processes, the broker and this process used meanwhile.
    /// </summary>
    private async Task<DrainFigures> DrainAsync(string label, BrokerProcess broker, List<InsightsProcess> processes, IProducer<byte[], byte[]> producer,
        PendingScores? pending, ApplicationProgress application, CancellationToken ct)
    {
        // Scraped first: answering it costs the processes CPU and allocation that belong to no event.
        var runtimeAtStart = await RuntimeCountersAsync(processes, ct);
        var cpuAtStart = processes.Sum(p => p.CpuSeconds);
        var jitAtStart = processes.Sum(p => p.JitCpuSeconds);
        var faultsAtStart = processes.Sum(p => p.MinorFaults);
        var brokerAtStart = broker.CpuSeconds;
        var benchAtStart = LinuxProcess.CpuSeconds(Environment.ProcessId);
        var countedAtStart = Counted(processes);
        progress.WriteLine($"{label}: draining {measured.Count:N0} tickets produced at once");
        var clock = Stopwatch.StartNew();
        await LoadAsync(producer, measured, pending, ct);
        // The drain ends when the last ticket is processed: the baseline counted it, or (workers) every member's newest score
        // reflects the member's last ticket. Both are seen within the 50 ms poll; the committed offsets only at the next commit.
        await WaitAsync(label, "the measured load processed",
            () => Task.FromResult(pending is null ? Counted(processes) >= countedAtStart + measured.Count : pending.Count == 0), () => Status(application, pending), ct);
        var seconds = clock.Elapsed.TotalSeconds;
        // The CPU is read once the application committed: the work the load caused goes on after its last score (the movie
        // tasks apply the last flushes' attendance changes), and a commit's cost belongs to the events it covers.
        await WaitAsync(label, "the measured load committed", () => application.CaughtUpAsync(TicketsTopic), () => Status(application, pending), ct);
        var drain = new DrainFigures(seconds, clock.Elapsed.TotalSeconds, processes.Sum(p => p.CpuSeconds) - cpuAtStart, processes.Sum(p => p.JitCpuSeconds) - jitAtStart,
            broker.CpuSeconds - brokerAtStart, LinuxProcess.CpuSeconds(Environment.ProcessId) - benchAtStart, processes.Sum(p => p.MinorFaults) - faultsAtStart,
            await RuntimeCountersAsync(processes, ct) - runtimeAtStart);
        progress.WriteLine($"{label}: drained {measured.Count:N0} tickets in {seconds:0.000} s ({measured.Count / seconds:N0}/s), committed after {drain.CommittedSeconds:0.000} s; " +
            $"CPU by then {drain.CpuSeconds:0.00} s ({1000 * drain.CpuSeconds / measured.Count:0.0000} s per 1,000 events; background JIT {drain.JitCpuSeconds:0.00} s), " +
            $"broker {drain.BrokerCpuSeconds:0.00} s, bench {drain.BenchCpuSeconds:0.00} s; {drain.MinorFaults:N0} minor page faults, " +
            $"{drain.Runtime.AllocatedBytes / measured.Count / 1024:0.0} KiB allocated per event, {drain.Runtime.GcPauseSeconds:0.00} s of GC pauses");
        return drain;
    }

    /// <summary>The bytes the processes allocated and their GC pauses since they started, summed, from the runtime meter on their /metrics.</summary>
    private async Task<RuntimeCounters> RuntimeCountersAsync(IEnumerable<InsightsProcess> processes, CancellationToken ct)
    {
        var total = new RuntimeCounters(0, 0);
        foreach (var process in processes)
        {
            var metrics = await Http.GetStringAsync($"{metricsUrls[process]}/metrics", ct);
            double Read(string series) => PrometheusText.Sample(metrics, series)
                ?? throw new CommandLineError($"bench processors --broker: {process.Name}'s /metrics has no {series}");
            total = new RuntimeCounters(total.AllocatedBytes + Read(ObservabilityEndpoints.AllocatedBytesSeries),
                total.GcPauseSeconds + Read(ObservabilityEndpoints.GcPauseSeries));
        }
        return total;
    }

    /// <summary>
    /// The paced load at --rate per second, in 10 ms slices: for each ticket, the timestamp of the first score record that
    /// reflects it (the flush that computed it) minus the ticket record's timestamp (its produce call).
    /// </summary>
    private async Task<LatencyFigures> LatencyAsync(string label, IProducer<byte[], byte[]> producer, PendingScores pending,
        ApplicationProgress application, CancellationToken ct)
    {
        pending.RecordLatencies();
        var clock = Stopwatch.StartNew();
        var slice = TimeSpan.FromMilliseconds(10);
        for (int sliceIndex = 1, next = 0; next < paced.Count; sliceIndex++)
        {
            var due = (int)Math.Min(paced.Count, (long)settings.Rate * sliceIndex / 100);
            for (; next < due; next++) Produce(producer, paced[next], pending);
            var wait = slice * sliceIndex - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
        }
        var produceSeconds = clock.Elapsed.TotalSeconds;
        await FlushAsync(producer, ct);
        await WaitAsync(label, "every paced ticket scored", async () => pending.Count == 0 && await application.CaughtUpAsync(TicketsTopic),
            () => Status(application, pending), ct);
        var latencies = pending.Latencies();
        latencies.Sort();
        var figures = new LatencyFigures(Percentile(latencies, 0.50), Percentile(latencies, 0.99), paced.Count / produceSeconds);
        progress.WriteLine($"{label}: {paced.Count:N0} tickets at {figures.AchievedRate:N0}/s: event to score p50 {figures.P50Ms:0} ms, p99 {figures.P99Ms:0} ms");
        return figures;
    }

    /// <summary>
    /// Stops the worker (SIGTERM: it commits and flushes its changelogs), starts a fresh one on an empty state folder with
    /// the same application id, and times it from process start until every task's stores are restored. Streamiz 1.8.2
    /// reports the stream RUNNING (the ready file) once the global stores are read and the partitions assigned, before
    /// the tasks' stores are restored; the end of that restore is its log line <see cref="TasksRestored"/>. Both are kept.
    /// </summary>
    private async Task<RestoreFigures> RestoreAsync(string label, BrokerProcess broker, string applicationId, string compactedId, InsightsProcess worker,
        ApplicationProgress application, double emptyStart, CancellationToken ct)
    {
        Stop(worker);
        var manifest = Manifest(applicationId);
        long Records(string topic) => application.Ends(topic, manifest[topic].Partitions).Sum();
        var changelogs = ChangelogStores.Sum(store => Records(ProcessorTopics.ChangelogTopic(applicationId, store)));
        var globals = Records(ProcessorTopics.Sessions) + Records(ProcessorTopics.Catalog) + Records(ProcessorTopics.MovieProfiles);
        var (seconds, running) = await TimeRestoreAsync(label, broker, applicationId, ct);
        progress.WriteLine($"{label}: a fresh worker on an empty state folder: RUNNING after {running:0.0} s, every task restored after {seconds:0.0} s " +
            $"({changelogs:N0} changelog records, {globals:N0} global-table records; history {warmup.Count + measured.Count + paced.Count:N0} tickets); " +
            $"the run's empty start took {emptyStart:0.0} s");

        // What a compacting broker would hold: the newest record per key of each changelog, under another application id
        // whose group is committed where this one's is, so that its worker has nothing to process after the restore.
        using var producer = Producer(broker);
        var kept = ChangelogStores.ToDictionary(store => store, store => CompactedChangelog.Copy(broker.BootstrapServers, producer,
            ProcessorTopics.ChangelogTopic(applicationId, store), ProcessorTopics.ChangelogTopic(compactedId, store), settings.Partitions));
        var compacted = kept.Values.Sum(k => k.Written);
        await CommitWhereAsync(broker, application, compactedId);
        var (compactedSeconds, _) = await TimeRestoreAsync(label, broker, compactedId, ct);
        progress.WriteLine($"{label}: a fresh worker on compacted copies of the changelogs ({compacted:N0} records, the newest per key; " +
            string.Join(", ", kept.Select(k => $"{k.Key} {k.Value.Written:N0} of {k.Value.Read:N0}")) + $"): every task restored after {compactedSeconds:0.0} s");
        return new RestoreFigures(seconds, running, emptyStart, changelogs, globals, compactedSeconds, compacted);
    }

    /// <summary>The worker's stores with a changelog: what a fresh worker restores.</summary>
    private static readonly string[] ChangelogStores = [ProcessorTopics.MemberStore, ProcessorTopics.MovieStore, ProcessorTopics.WaitingTicketsStore];

    /// <summary>Starts a worker of the application on an empty state folder; seconds from its start until its tasks restored, and until it was RUNNING.</summary>
    private async Task<(double Restored, double Running)> TimeRestoreAsync(string label, BrokerProcess broker, string applicationId, CancellationToken ct)
    {
        var fresh = Start("restored worker", broker, applicationId);
        try
        {
            await WaitAsync(label, "the restored worker to run", () => Task.FromResult(fresh.Ready), () => Task.FromResult(""), ct);
            var running = fresh.Age.TotalSeconds;
            await WaitAsync(label, "the restored worker's tasks restored", () => Task.FromResult(fresh.WroteAt(TasksRestored) is not null), () => Task.FromResult(""), ct);
            return (fresh.WroteAt(TasksRestored)!.Value.TotalSeconds, running);
        }
        finally { Stop(fresh); }
    }

    /// <summary>Commits <paramref name="groupId"/> at the application's committed offsets of the CDC topics its tasks read.</summary>
    private async Task CommitWhereAsync(BrokerProcess broker, ApplicationProgress application, string groupId)
    {
        var offsets = new List<TopicPartitionOffset>();
        var manifest = Manifest(groupId);
        foreach (var topic in Contracts.Cinema.CinemaTables.All.Select(t => Contracts.Cinema.CinemaTables.Topic(t)))
            offsets.AddRange((await application.CommittedAsync(topic, manifest[topic].Partitions)).Select((offset, p) => new TopicPartitionOffset(topic, p, offset)));
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = groupId, EnableAutoCommit = false }).Build();
        consumer.Commit(offsets);
    }

    /// <summary>Produces the events (each member's expectation first, so a score cannot arrive before it) and waits until the broker has them.</summary>
    private async Task LoadAsync(IProducer<byte[], byte[]> producer, List<CinemaEvent> events, PendingScores? pending, CancellationToken ct)
    {
        foreach (var change in events) Produce(producer, change, pending);
        await FlushAsync(producer, ct);
    }

    private void Produce(IProducer<byte[], byte[]> producer, CinemaEvent change, PendingScores? pending)
    {
        var now = DateTime.UtcNow;
        // Movie and session rows have no score of their own; a member row and a ticket each owe their member one.
        if (change.Table is Contracts.Cinema.CinemaTables.Members or Contracts.Cinema.CinemaTables.Tickets)
            pending?.Expect(change.KeyId, change.Position, new DateTimeOffset(now).ToUnixTimeMilliseconds());
        producer.Produce(new TopicPartition(change.Topic(), change.Partition(settings.Partitions)),
            new Message<byte[], byte[]> { Key = change.Key, Value = change.Value, Timestamp = new Timestamp(now) }, Delivered);
    }

    private void Delivered(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError) deliveryFailure ??= $"producing to {report.Topic} failed: {report.Error.Reason}";
    }

    private async Task FlushAsync(IProducer<byte[], byte[]> producer, CancellationToken ct)
    {
        await Task.Run(() => producer.Flush(ct), ct);
        if (deliveryFailure is { } failure) throw new CommandLineError($"bench processors --broker: {failure}");
    }

    // The measured load is produced at once; librdkafka's default queue (100,000 messages) would refuse the rest.
    private IProducer<byte[], byte[]> Producer(BrokerProcess broker) => broker.LoadProducer(settings.Compression, lingerMs: 5, queueMessages: 2_000_000);

    private InsightsProcess Start(string name, BrokerProcess broker, string applicationId, IReadOnlyList<string>? command = null)
    {
        var stateFolder = Directory.CreateTempSubdirectory("insights-bench-state-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = broker.BootstrapServers,
            ["Processors__ModelPath"] = Path.GetFullPath(settings.ModelPath), ["Processors__ApplicationId"] = applicationId,
            ["Processors__Partitions"] = settings.Partitions.ToString(CultureInfo.InvariantCulture), ["Processors__SessionTimeoutMs"] = "6000",
            ["Processors__CompressionType"] = settings.Compression,
            ["Processors__NumStreamThreads"] = settings.StreamThreads.ToString(CultureInfo.InvariantCulture),
            ["Processors__StateDir"] = stateFolder,
            // The runtime ends its background JIT thread after 4 s idle, and a thread's CPU leaves /proc with it: the JIT
            // figures read a thread that lives through the measured windows (an hour, in hex as the runtime reads it).
            ["DOTNET_TC_BackgroundWorkerTimeoutMs"] = "36EE80",
            // /metrics for the runtime meter (bytes allocated, GC pauses); the lag poller behind it stays quiet (an hour) so it adds no CPU to a drain.
            ["Observability__Urls"] = $"http://127.0.0.1:{LoopbackPort.Next()}", ["Observability__LagPollSeconds"] = "3600",
        };
        if (command is null)
            foreach (var (key, value) in settings.WorkerSettings ?? []) environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        // The baseline (`bench ticket-count`) is this tool's own command; a worker is the production program's.
        var process = command is null ? InsightsProcess.Worker(name, environment) : InsightsProcess.DevTool(name, environment, [.. command]);
        running.Add(process);
        stateFolders[process] = stateFolder;
        metricsUrls[process] = environment["Observability__Urls"];
        return process;
    }

    /// <summary>Stops the process (SIGTERM, so a worker commits and flushes its changelogs) and deletes its state folder.</summary>
    private void Stop(InsightsProcess process)
    {
        process.Stop(TimeSpan.FromSeconds(30));
        process.Dispose();
        running.Remove(process);
        metricsUrls.Remove(process);
        if (stateFolders.Remove(process, out var folder))
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    private static string NewApplicationId() => $"insights-bench-{Guid.NewGuid():N}"[..24];

    /// <summary>The application's topics, and the application-prefixed ones (changelogs, repartition topics) of each of <paramref name="others"/>.</summary>
    private TopicManifest Manifest(string applicationId, params string[] others)
    {
        var topics = ProcessorManifest.For(applicationId, "cdc", settings.Partitions).Topics.ToList();
        topics.Add(new TopicSpec(TicketCountBaseline.ChangelogTopic(applicationId), settings.Partitions, CleanupPolicy.Compact));
        foreach (var other in others)
            topics.AddRange(ProcessorManifest.For(other, "cdc", settings.Partitions).Topics.Where(t => t.Name.StartsWith(other + "-", StringComparison.Ordinal)));
        return new TopicManifest(topics);
    }

    private static string TicketsTopic => Contracts.Cinema.CinemaTables.Topic(Contracts.Cinema.CinemaTables.Tickets);

    /// <summary>
    /// `insights-broker check` after every step outside the timed windows: a trimmed partition lost records (a restore or a
    /// late reader would miss them), so the run stops there, naming the partitions, rather than report figures that cannot stand.
    /// </summary>
    private async Task CheckAsync(string label, string step, BrokerProcess broker)
    {
        var check = await broker.CheckAsync();
        if (check.Succeeded) return;
        var report = check.Text;
        // The check prints one "ERROR topic T partition P low watermark N: why" line per trimmed partition.
        var problems = report.Split('\n').Where(l => l.StartsWith("ERROR ", StringComparison.Ordinal)).Select(l => l["ERROR ".Length..].Split(':')[0]).ToList();
        progress.WriteLine(report);
        throw new CommandLineError($"bench processors --broker: {label}: after {step} the mock broker had trimmed {problems.Count} partition(s), records lost " +
            $"(it keeps the newest 5 MiB per partition; more --partitions spread a topic thinner, fewer tickets or movies shrink it): {string.Join("; ", problems.Take(3))}");
    }

    /// <summary>
    /// Every movie's published count equals the tickets sold for it among the first <paramref name="tickets"/>: a
    /// collective-deltas record lost (the trim check cannot see one the mock dropped before it was read, on a topic its
    /// application purges) or counted twice shows here. Profiles follow their punctuation, so this waits up to 60 s.
    /// </summary>
    private Task CheckCountsAsync(string label, BrokerProcess broker, int tickets, CancellationToken ct)
    {
        List<string> wrong = [];
        return Poll.UntilAsync(() => (wrong = ReplayCheck.CountDifferences(cinema.Attendances.Take(tickets),
                ApplicationProgress.ProfileCounts(broker.BootstrapServers, settings.Partitions))).Count == 0,
            () => $"{label}: every movie's published attendance count to equal the tickets sold ({wrong.Count} differ, e.g. {string.Join("; ", wrong.Take(3))})",
            TimeSpan.FromSeconds(60), ct, TimeSpan.FromSeconds(1));
    }

    /// <summary>Waits for the condition, printing where the application stands every 15 s so a slow or stalled step shows.</summary>
    private async Task WaitAsync(string label, string what, Func<Task<bool>> condition, Func<Task<string>> status, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var reported = Stopwatch.StartNew();
        await Poll.UntilAsync(async () =>
        {
            if (await condition()) return true;
            if (running.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                progress.WriteLine($"--- {exited.Name}, last lines:\n{exited.Tail()}");
                throw new CommandLineError($"bench processors --broker: {label}: {exited.Name} exited while the bench waited for {what}");
            }
            if (reported.Elapsed > TimeSpan.FromSeconds(15))
            {
                reported.Restart();
                progress.WriteLine($"{label}: waiting for {what} ({clock.Elapsed.TotalSeconds:0} s){await status()}");
            }
            return false;
        }, () => what, StepLimit, ct);
    }

    private async Task<string> Status(ApplicationProgress application, PendingScores? pending) =>
        $": {(pending is null ? "" : $"{pending.Count:N0} events without a score reflecting them, ")}" +
        $"{await application.LagAsync(TicketsTopic):N0} tickets and {await application.RepartitionLagAsync():N0} repartition records not committed";


    /// <summary>Every figure of the bench, with its per-run values and what else the process(es) it comes from did in the run.</summary>
    private List<Figure> Figures(List<RunFigures> runs)
    {
        var events = measured.Count;
        var figures = new List<Figure>();
        void Add(string key, string label, string unit, Func<RunFigures, double> value, string sameProcess) =>
            figures.Add(new Figure(key, label, unit, Median(runs.Select(value).ToList()), runs.Select(value).ToArray(), sameProcess));
        var before = $"started empty; before the drain, {reference.Count:N0} movie, session and member rows and a {warmup.Count:N0}-ticket warm-up";
        foreach (var configuration in Configurations)
        {
            var key = Key(configuration);
            var name = Configuration(configuration);
            DrainFigures DrainOf(RunFigures r) => r.Drain(configuration);
            var after = configuration == 1 ? $"the paced latency load ({paced.Count:N0} tickets), then it was stopped for the restore" : "nothing";
            var sameProcess = $"{before}; after it, {after}";
            Add($"{key}.drain_events_per_second", $"{name}: drain", "events/s", r => events / DrainOf(r).Seconds, sameProcess);
            Add($"{key}.drain_seconds", $"{name}: drain time", "s", r => DrainOf(r).Seconds, sameProcess);
            Add($"{key}.cpu_seconds_per_1000_events", $"{name}: CPU per 1,000 events", "s", r => 1000 * DrainOf(r).CpuSeconds / events, sameProcess);
            Add($"{key}.drain_committed_seconds", $"{name}: drain until committed", "s", r => DrainOf(r).CommittedSeconds, sameProcess);
            Add($"{key}.jit_cpu_seconds", $"{name}: background JIT CPU during the drain", "s", r => DrainOf(r).JitCpuSeconds,
                "the runtime's tiered-compilation thread in the same processes, part of their CPU");
            Add($"{key}.minor_faults_per_1000_events", $"{name}: minor page faults per 1,000 events", "faults", r => 1000 * DrainOf(r).MinorFaults / events,
                "the same processes and window as the CPU: pages the kernel mapped in, mostly memory the GC had returned and hands out again");
            Add($"{key}.allocated_kib_per_event", $"{name}: bytes allocated per event", "KiB", r => DrainOf(r).Runtime.AllocatedBytes / events / 1024,
                "the same processes and window as the CPU, from the runtime meter on their /metrics (dotnet.gc.heap.total_allocated)");
            Add($"{key}.gc_pause_seconds", $"{name}: GC pauses", "s", r => DrainOf(r).Runtime.GcPauseSeconds,
                "the same processes and window as the CPU, summed: time the runtime held their threads for collections (dotnet.gc.pause.time)");
            Add($"{key}.broker_cpu_seconds", $"{name}: broker CPU during the drain", "s", r => DrainOf(r).BrokerCpuSeconds, "the mock broker's own process");
            Add($"{key}.bench_cpu_seconds", $"{name}: bench CPU during the drain", "s", r => DrainOf(r).BenchCpuSeconds,
                "this process: producing the load, reading the scores topic, polling offsets");
        }
        Add("ratio.workers_1_to_baseline", "1 worker / count baseline, drain events/s", "ratio", r => r.Baseline!.Seconds / r.Workers[1].Seconds,
            "the two configurations of each run on the same records; median of the per-run ratios");
        Add("ratio.workers_1_to_baseline_until_committed", "1 worker / count baseline, events/s until committed", "ratio",
            r => r.Baseline!.CommittedSeconds / r.Workers[1].CommittedSeconds, "as the ratio above, each drain taken until its application committed");
        foreach (var count in settings.Workers.Where(c => c > 1))
            Add($"ratio.cpu_workers_{count}_to_1", $"CPU per event, {count} workers / 1 worker", "ratio",
                r => r.Workers[count].CpuSeconds / r.Workers[1].CpuSeconds, "the two configurations of each run on the same records; median of the per-run ratios");
        if (ScaledBaseline is { } processes)
            Add($"ratio.cpu_baseline_{processes}_to_1", $"CPU per event, count baseline in {processes} processes / in 1", "ratio",
                r => r.ScaledBaseline!.CpuSeconds / r.Baseline!.CpuSeconds, "the two configurations of each run on the same records; what scaling out costs a bare Streamiz application here");
        var latencyProcess = $"the 1-worker process, after its drain of {measured.Count:N0} tickets";
        Add("latency.p50_ms", $"event to score at {settings.Rate:N0}/s: p50", "ms", r => r.Latency!.P50Ms, latencyProcess);
        Add("latency.p99_ms", $"event to score at {settings.Rate:N0}/s: p99", "ms", r => r.Latency!.P99Ms, latencyProcess);
        Add("latency.achieved_rate", "paced load: achieved rate", "events/s", r => r.Latency!.AchievedRate, $"{paced.Count:N0} tickets in 10 ms slices");
        var restoreProcess = $"a new process on an empty state folder, nothing else; history {warmup.Count + measured.Count + paced.Count:N0} tickets";
        Add("restore.seconds_to_tasks_restored", "restore: start to every task restored", "s", r => r.Restore!.Seconds, restoreProcess);
        Add("restore.seconds_to_running", "restore: start to stream RUNNING", "s", r => r.Restore!.RunningSeconds, restoreProcess);
        Add("restore.changelog_records", "restore: changelog records", "records", r => r.Restore!.ChangelogRecords, "member, movie and waiting-ticket stores");
        Add("restore.global_records", "restore: global-table records", "records", r => r.Restore!.GlobalRecords, "sessions, catalog, movie profiles");
        Add("restore.empty_start_seconds", "empty start to every task restored", "s", r => r.Restore!.EmptyStartSeconds, "the 1-worker run's first start, before any record");
        const string compactedProcess = "a new process on an empty state folder, restoring copies of the changelogs that keep the newest record per key (what a compacting broker holds once it cleaned them)";
        Add("restore.compacted_seconds_to_tasks_restored", "restore from compacted changelogs: start to every task restored", "s", r => r.Restore!.CompactedSeconds, compactedProcess);
        Add("restore.compacted_changelog_records", "restore from compacted changelogs: changelog records", "records", r => r.Restore!.CompactedRecords, "member, movie and waiting-ticket stores, the newest record per key");
        return figures;
    }

    private void WriteTable(Workload workload, List<Figure> figures)
    {
        var byKey = figures.ToDictionary(f => f.Key);
        string Median(string key) => Format(byKey[key].Median, byKey[key].Unit);
        string Runs(string key) => settings.Runs == 1 ? "" : $" ({string.Join(" / ", byKey[key].Runs.Select(v => Format(v, byKey[key].Unit)))})";
        output.WriteLine($"workload: {settings.Tickets:N0} tickets measured after a {settings.WarmupTickets:N0}-ticket warm-up; {settings.Members:N0} members " +
            $"({workload.MembersInMeasuredLoad:N0} buy in the measured load), {settings.Movies:N0} movies (popularity Zipf, exponent {settings.ZipfExponent:0.0#}; " +
            $"{workload.Candidates} now showing or coming soon are every score's candidates); {settings.Partitions} partitions, {settings.Compression}, {settings.StreamThreads} stream thread(s) per process; " +
            (workload.WorkerSettings.Count == 0 ? "" : $"workers with {string.Join(", ", workload.WorkerSettings.Select(p => $"{p.Key}={p.Value}"))}; ") +
            $"each configuration on a fresh mock broker; medians of {settings.Runs} run(s){(settings.Runs == 1 ? "" : ", per-run values in brackets")}");
        output.WriteLine("drain: from the first produce call of the load until the last ticket was processed: the baseline counted it, or (workers) " +
            "every member's newest score reflects the member's last ticket (polled every 50 ms); CPU: utime + stime of the measured process(es) from the load's start " +
            "until the application also committed every ticket and its repartition topics (all the work the load caused, and the commits); " +
            "the time until committed is in the JSON");
        string[] header = ["configuration", "drain events/s", "drain", "CPU per 1,000 events", "broker CPU", "bench CPU"];
        var keys = Configurations.Select(Key).ToList();
        var rows = keys.Select(key => new[]
        {
            byKey[$"{key}.drain_events_per_second"].Label.Split(':')[0], Median($"{key}.drain_events_per_second") + Runs($"{key}.drain_events_per_second"),
            Median($"{key}.drain_seconds"), Median($"{key}.cpu_seconds_per_1000_events") + Runs($"{key}.cpu_seconds_per_1000_events"),
            Median($"{key}.broker_cpu_seconds"), Median($"{key}.bench_cpu_seconds"),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join("  ", header.Select((h, i) => i == 0 ? h.PadRight(widths[i]) : h.PadLeft(widths[i]))));
        foreach (var row in rows) output.WriteLine(string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
        foreach (var key in keys) output.WriteLine($"  {byKey[$"{key}.drain_events_per_second"].Label.Split(':')[0]}: {byKey[$"{key}.drain_events_per_second"].SameProcess}");
        output.WriteLine($"1 worker / count baseline, drain events/s: {Median("ratio.workers_1_to_baseline")}{Runs("ratio.workers_1_to_baseline")} (per run, then the median)");
        foreach (var ratio in figures.Where(f => f.Key.StartsWith("ratio.cpu_", StringComparison.Ordinal)))
            output.WriteLine($"{ratio.Label}: {Median(ratio.Key)}{Runs(ratio.Key)} (per run, then the median)");
        output.WriteLine($"event to score at {settings.Rate:N0}/s (achieved {Median("latency.achieved_rate")}, {paced.Count:N0} tickets, score record timestamp minus ticket record timestamp): " +
            $"p50 {Median("latency.p50_ms")}{Runs("latency.p50_ms")}, p99 {Median("latency.p99_ms")}{Runs("latency.p99_ms")}; in {byKey["latency.p50_ms"].SameProcess}");
        output.WriteLine($"restore, a fresh worker on an empty state folder after the 1-worker run (history {warmup.Count + measured.Count + paced.Count:N0} tickets, " +
            $"{Median("restore.changelog_records")} changelog and {Median("restore.global_records")} global-table records): every task restored " +
            $"{Median("restore.seconds_to_tasks_restored")}{Runs("restore.seconds_to_tasks_restored")} after its start (stream RUNNING after {Median("restore.seconds_to_running")}); " +
            $"the empty start of the same run: {Median("restore.empty_start_seconds")}{Runs("restore.empty_start_seconds")}; from compacted copies of the changelogs " +
            $"({Median("restore.compacted_changelog_records")} records): {Median("restore.compacted_seconds_to_tasks_restored")}{Runs("restore.compacted_seconds_to_tasks_restored")}");
        output.WriteLine("partitions trimmed: none (insights-broker check after every configuration)");
    }

    private static string Format(double value, string unit) => double.IsNaN(value) ? "n/a" : unit switch
    {
        "events/s" => $"{value:N0}",
        "ms" => $"{value:N0} ms",
        "ratio" => $"{value:0.000}",
        "records" => $"{value:N0}",
        _ => value < 1 ? $"{value:0.000} s" : $"{value:0.00} s",
    };

    private void WriteJson(Workload workload, List<Figure> figures)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        output.WriteLine(JsonSerializer.Serialize(new { workload, figures }, options));
    }

    private sealed record Workload(int Members, int Movies, int Candidates, double ZipfExponent, int MembersInMeasuredLoad, double TopMovieShare,
        int WarmupTickets, int Tickets, int LatencyTickets, int LatencyRate, int Partitions, string Compression, int StreamThreads, int Runs, IReadOnlyList<int> WorkerCounts,
        double TicketsUncompressedMibLargestPartition, int PartitionsTrimmed, IReadOnlyDictionary<string, string> WorkerSettings);

    private sealed record Figure(string Key, string Label, string Unit, double Median, double[] Runs, string SameProcess);

    /// <summary>
    /// Seconds until the load was processed and until it was committed; CPU seconds until it was committed of the measured
    /// processes, of their background JIT, of the broker and of the bench; the measured processes' minor page faults and
    /// the bytes they allocated and their GC pauses.
    /// </summary>
    private sealed record DrainFigures(double Seconds, double CommittedSeconds, double CpuSeconds, double JitCpuSeconds, double BrokerCpuSeconds,
        double BenchCpuSeconds, double MinorFaults, RuntimeCounters Runtime);

    /// <summary>What the runtime meter counts since a process started, summed over processes.</summary>
    private sealed record RuntimeCounters(double AllocatedBytes, double GcPauseSeconds)
    {
        public static RuntimeCounters operator -(RuntimeCounters a, RuntimeCounters b) =>
            new(a.AllocatedBytes - b.AllocatedBytes, a.GcPauseSeconds - b.GcPauseSeconds);
    }

    private sealed record LatencyFigures(double P50Ms, double P99Ms, double AchievedRate);

    /// <summary>Seconds from process start until every task was restored, and until the stream reported RUNNING.</summary>
    private sealed record RestoreFigures(double Seconds, double RunningSeconds, double EmptyStartSeconds, long ChangelogRecords, long GlobalRecords,
        double CompactedSeconds, long CompactedRecords);

    /// <summary>What Streamiz's stream thread logs once every task it was assigned has restored its stores.</summary>
    private const string TasksRestored = "Restoration took";

    private sealed class RunFigures(int run)
    {
        public int Run { get; } = run;
        public DrainFigures? Baseline { get; set; }
        public DrainFigures? ScaledBaseline { get; set; }
        public Dictionary<int, DrainFigures> Workers { get; } = [];
        public LatencyFigures? Latency { get; set; }
        public RestoreFigures? Restore { get; set; }

        /// <summary>The drain of a configuration (<see cref="Configuration"/>).</summary>
        public DrainFigures Drain(int configuration) =>
            configuration == 0 ? Baseline! : configuration < 0 ? ScaledBaseline! : Workers[configuration];
    }

    /// <summary>
    /// Events whose member has no score reflecting them yet, per member in produce order. A score update reflects every
    /// event of its member up to its source position: a member's events are in one partition and applied in order.
    /// </summary>
    private sealed class PendingScores
    {
        private readonly Dictionary<long, Queue<(long Position, long ProducedAtMs)>> waiting = [];
        private List<double>? latencies;
        private int count;

        public int Count => Volatile.Read(ref count);

        /// <summary>From now on, keep each event's latency: its score record's timestamp minus its own.</summary>
        public void RecordLatencies()
        {
            lock (waiting) latencies = [];
        }

        public List<double> Latencies()
        {
            lock (waiting) return [.. latencies ?? []];
        }

        public void Expect(long memberId, long position, long producedAtMs)
        {
            lock (waiting)
            {
                if (!waiting.TryGetValue(memberId, out var queue)) waiting[memberId] = queue = new();
                queue.Enqueue((position, producedAtMs));
                count++;
            }
        }

        public void Arrived(ScoreArrival score)
        {
            lock (waiting)
            {
                if (!waiting.TryGetValue(score.MemberId, out var queue)) return;
                while (queue.TryPeek(out var pending) && pending.Position <= score.SourcePosition)
                {
                    queue.Dequeue();
                    count--;
                    latencies?.Add(score.TimestampMs - pending.ProducedAtMs);
                }
                if (queue.Count == 0) waiting.Remove(score.MemberId);
            }
        }
    }
}
