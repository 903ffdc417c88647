using System.Diagnostics;
using Confluent.Kafka;
using Insights.Contracts.Scores;
using Insights.Host.Bench;
using Insights.Processors;
using Insights.Processors.Manifest;

namespace Insights.Host.Commands;

/// <summary>
/// `insights bench processors --broker`: the scoring topology in real `insights worker` processes on the local mock
/// broker (4 partitions). Each run starts a fresh broker and 1 or 2 workers, warms them up, then measures
/// (1) ticket events per second from the CDC tickets topic to the scores topic: every ticket produced at once, timed
/// until each member's newest score update reflects the member's last ticket (its source position); against a plain
/// Confluent.Kafka consumer reading the same tickets from the same topic in the same run; and (2) event-to-score
/// latency at a fixed rate: from a ticket's produce call to the arrival of the first score update that reflects it.
/// </summary>
internal sealed class ProcessorsBrokerBench(ProcessorsBrokerBench.Settings settings, TextWriter output, TextWriter progress)
{
    public sealed record Settings(string ModelPath, int Runs, int Tickets, int Members, int Movies, int Partitions,
        int WarmupTickets, int LatencyTickets, int Rate, string Compression);

    private sealed record Run(int Workers, double Seconds, double ConsumerSeconds, double P50Ms, double P99Ms, string Check);

    public async Task ExecuteAsync(CancellationToken ct)
    {
        var cinema = new ProcessorsBenchCinema(settings.Movies, settings.Members, settings.WarmupTickets + settings.Tickets + settings.LatencyTickets);
        var tickets = Enumerable.Range(0, cinema.Attendances.Count).Select(i => (Change: cinema.Ticket(i), Position: cinema.LastPosition)).ToList();
        var runs = new List<Run>();
        for (var run = 0; run < settings.Runs; run++)
            foreach (var workers in run % 2 == 0 ? new[] { 1, 2 } : [2, 1])
            {
                var result = await RunAsync(workers, cinema, tickets, ct);
                runs.Add(result);
                progress.WriteLine($"bench processors --broker: run {run + 1}/{settings.Runs}, {workers} worker(s): {settings.Tickets / result.Seconds:N0} events/s " +
                    $"({result.Seconds:0.000} s), plain consumer {settings.Tickets / result.ConsumerSeconds:N0}/s ({result.ConsumerSeconds:0.000} s); " +
                    $"at {settings.Rate}/s p50 {result.P50Ms:0} ms p99 {result.P99Ms:0} ms");
            }
        output.WriteLine($"workload: {settings.Tickets:N0} tickets (after {settings.WarmupTickets:N0} warm-up), {settings.Members} members, {settings.Movies} movies, " +
            $"{settings.Partitions} partitions, mock broker, compression {settings.Compression}; {settings.Runs} runs, medians");
        foreach (var workers in new[] { 1, 2 })
        {
            var mine = runs.Where(r => r.Workers == workers).ToList();
            var seconds = Median(mine.Select(r => r.Seconds));
            var consumer = Median(mine.Select(r => r.ConsumerSeconds));
            output.WriteLine($"{workers} worker(s): CDC tickets -> scores {settings.Tickets / seconds,10:N0} events/s ({seconds:0.000} s); " +
                $"plain consumer of the same topic {settings.Tickets / consumer,10:N0} events/s ({consumer:0.000} s); ratio {consumer / seconds:0.000}");
            output.WriteLine($"{workers} worker(s): event-to-score latency at {settings.Rate}/s ({settings.LatencyTickets:N0} tickets): " +
                $"p50 {Median(mine.Select(r => r.P50Ms)):0} ms, p99 {Median(mine.Select(r => r.P99Ms)):0} ms");
        }
        output.WriteLine($"partitions trimmed: {(runs.All(r => r.Check == "") ? "none" : string.Join("; ", runs.Select(r => r.Check).Where(c => c != "")))}");
    }

    private async Task<Run> RunAsync(int workerCount, ProcessorsBenchCinema cinema, List<((byte[] Key, byte[] Value) Change, long Position)> tickets, CancellationToken ct)
    {
        var applicationId = $"insights-bench-{Guid.NewGuid():N}"[..24];
        var partitions = settings.Partitions;
        await using var broker = await LocalBroker.StartAsync(ProcessorManifest.For(applicationId, "cdc", partitions), ct);
        var options = new ProcessorOptions { Model = Processors.Hosting.ScoringStream.LoadModel(settings.ModelPath) };
        var pending = new PendingScores();
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions, pending.Arrived);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 5,
            CompressionType = Enum.Parse<CompressionType>(settings.Compression, ignoreCase: true),
        }).Build();
        foreach (var (movie, genres) in cinema.Movies)
        {
            Produce(producer, options.MoviesTopic, 0, cinema.Movie(movie, genres, "now_showing", ProcessorsBenchCinema.Start.AddDays(-30)));
            Produce(producer, options.SessionsTopic, 0, cinema.Session(movie));
        }
        foreach (var (member, year, gender) in cinema.Members) Produce(producer, options.MembersTopic, 0, cinema.Member(member, year, gender));
        producer.Flush(ct);

        var workers = Enumerable.Range(0, workerCount).Select(w => InsightsProcess.Worker($"worker {w + 1}", new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = broker.BootstrapServers,
            ["Processors__ModelPath"] = Path.GetFullPath(settings.ModelPath), ["Processors__ApplicationId"] = applicationId,
            ["Processors__Partitions"] = partitions.ToString(), ["Processors__SessionTimeoutMs"] = "6000",
            ["Processors__CompressionType"] = settings.Compression,
            ["Processors__StateDir"] = Directory.CreateTempSubdirectory("insights-bench-state-").FullName,
        })).ToList();
        try
        {
            await UntilAsync(() => workers.All(w => w.Ready), () => "the workers to run\n" + string.Join("\n", workers.Select(w => w.Tail())), TimeSpan.FromSeconds(120), ct);
            // Each phase's tickets continue the cinema's history, so every ticket changes its member's state.
            var next = 0;
            async Task<(double Seconds, List<double> Latencies)> Phase(int count, int? rate)
            {
                var clock = Stopwatch.StartNew();
                var latencies = pending.Start();
                for (var i = 0; i < count; i++, next++)
                {
                    var memberId = cinema.Attendances[next].MemberId;
                    pending.Expect(memberId, tickets[next].Position, Stopwatch.GetTimestamp());
                    Produce(producer, options.TicketsTopic, memberId % partitions, tickets[next].Change);
                    if (rate is int r && i % 10 == 9)
                    {
                        producer.Flush(ct);
                        var due = TimeSpan.FromSeconds((i + 1.0) / r) - clock.Elapsed;
                        if (due > TimeSpan.Zero) await Task.Delay(due, ct);
                    }
                }
                producer.Flush(ct);
                await UntilAsync(() => pending.Count == 0, () => $"{pending.Count} tickets without a score reflecting them\n" + string.Join("\n", workers.Select(w => w.Tail())),
                    TimeSpan.FromMinutes(5), ct);
                return (clock.Elapsed.TotalSeconds, latencies);
            }
            await Phase(settings.WarmupTickets, null);
            var start = EndOffsets(broker.BootstrapServers, options.TicketsTopic);
            var (seconds, _) = await Phase(settings.Tickets, null);
            var end = EndOffsets(broker.BootstrapServers, options.TicketsTopic);
            var consumerSeconds = PlainConsumer(broker.BootstrapServers, options.TicketsTopic, start, end);
            var (_, latencies) = await Phase(settings.LatencyTickets, settings.Rate);
            latencies.Sort();
            var (intact, report) = await broker.CheckAsync();
            return new Run(workerCount, seconds, consumerSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), intact ? "" : report);
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
        }
    }

    private long[] EndOffsets(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = $"insights-bench-ends-{Guid.NewGuid():N}" }).Build();
        return Enumerable.Range(0, settings.Partitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value).ToArray();
    }

    /// <summary>Seconds a plain consumer (default settings, its own group) takes to read the records between the offsets.</summary>
    private static double PlainConsumer(string bootstrap, string topic, long[] start, long[] end)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = $"insights-bench-plain-{Guid.NewGuid():N}", EnableAutoCommit = false,
        }).Build();
        var clock = Stopwatch.StartNew();
        consumer.Assign(start.Select((offset, p) => new TopicPartitionOffset(topic, p, offset)));
        var remaining = start.Zip(end).Sum(p => p.Second - p.First);
        while (remaining > 0)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new CommandLineError($"bench processors --broker: the plain consumer got nothing for 30 s with {remaining} records left");
            if (record.Offset.Value < end[record.Partition.Value]) remaining--;
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static void Produce(IProducer<byte[], byte[]> producer, string topic, int partition, (byte[] Key, byte[] Value) change) =>
        producer.Produce(new TopicPartition(topic, partition), new Message<byte[], byte[]> { Key = change.Key, Value = change.Value });

    private static async Task UntilAsync(Func<bool> condition, Func<string> what, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit) throw new CommandLineError($"bench processors --broker: timed out after {limit.TotalSeconds:0} s waiting for {what()}");
            await Task.Delay(5, ct);
        }
    }

    private static double Percentile(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// Tickets whose score has not arrived yet, per member in produce order. A score update reflects every ticket of
    /// its member up to its source position (a member's tickets are in one partition, applied in order).
    /// </summary>
    private sealed class PendingScores
    {
        private readonly Dictionary<long, Queue<(long Position, long ProducedAt)>> waiting = new();
        private List<double> latencies = [];
        private int count;

        public int Count => Volatile.Read(ref count);

        public List<double> Start()
        {
            lock (waiting) return latencies = [];
        }

        public void Expect(long memberId, long position, long producedAt)
        {
            lock (waiting)
            {
                if (!waiting.TryGetValue(memberId, out var queue)) waiting[memberId] = queue = new();
                queue.Enqueue((position, producedAt));
                count++;
            }
        }

        public void Arrived(ScoreUpdate update, long at)
        {
            lock (waiting)
            {
                if (!waiting.TryGetValue(update.MemberId, out var queue)) return;
                while (queue.TryPeek(out var ticket) && ticket.Position <= update.Source.Pos)
                {
                    queue.Dequeue();
                    count--;
                    latencies.Add(Stopwatch.GetElapsedTime(ticket.ProducedAt, at).TotalMilliseconds);
                }
            }
        }
    }
}
