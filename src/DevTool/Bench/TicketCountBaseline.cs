using System.CommandLine;
using System.Globalization;
using Insights.Contracts;
using Insights.Contracts.Cinema;
using Insights.Contracts.Configuration;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Insights.Processors.Hosting;
using Insights.Processors.Topology;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Table;

namespace Insights.DevTool.Bench;

/// <summary>
/// The broker bench's baseline: the least a Streamiz application can do with every ticket a worker reads: consume it
/// from cdc.cinema.tickets, update per-member state in RocksDB with a changelog, commit. It counts tickets per record
/// key (tickets are keyed by member), in a store configured like the workers' member store (RocksDB, changelog, cache).
/// It runs as its own process, `insights bench ticket-count` (hidden), with the workers' Kafka and Processors settings
/// (application id, state folder, commit interval, session timeout, compression, ready file), so its CPU is read
/// from /proc like theirs, and with Observability:Urls it serves /metrics like them.
/// </summary>
internal static class TicketCountBaseline
{
    public const string Store = "ticket-counts";

    public static string ChangelogTopic(string applicationId) => ProcessorTopics.ChangelogTopic(applicationId, Store);

    /// <summary>What the process prints, with the number of tickets it has counted, whenever that number moved (checked every 50 ms).</summary>
    public const string CountedLine = "ticket-count: counted ";

    /// <summary>The count of <paramref name="line"/> (<see cref="CountedLine"/> N tickets), or null for any other line.</summary>
    public static long? CountedIn(string line) =>
        line.IndexOf(CountedLine, StringComparison.Ordinal) is >= 0 and var at && line[(at + CountedLine.Length)..].Split(' ')[0] is var number
            && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var counted) ? counted : null;

    /// <param name="counted">Called for every ticket the stream reads: the bench sees the end of a drain from it, where the
    /// committed offsets show it only at the next commit (every second).</param>
    public static Streamiz.Kafka.Net.Stream.Topology Build(string ticketsTopic, Action counted)
    {
        var builder = new StreamBuilder();
        builder.Stream(ticketsTopic, new ByteArraySerDes(), new ByteArraySerDes())
            .Peek((_, _, _) => counted())
            .GroupByKey()
            .Count(RocksDb.As<byte[], long>(Store).WithKeySerdes(new ByteArraySerDes()).WithValueSerdes(new Int64SerDes())
                // The member store's cache size: both fold a member's writes between commits into one changelog record.
                .WithCachingEnabled(CacheSize.OfMb(16)));
        return builder.Build();
    }

    public static Command Command()
    {
        var command = new Command("ticket-count", "The broker bench's baseline process: counts tickets per member with Streamiz (settings: Processors, Kafka).")
        {
            Hidden = true,
        };
        command.SetAction(async (_, ct) =>
        {
            var configuration = new ConfigurationBuilder().AddInsightsSources().Build();
            var kafka = configuration.KafkaSettings();
            var settings = configuration.Bind<WorkerSettings>(WorkerSettings.Section);
            if (settings.Problem() is { } problem) throw new CommandLineError($"configuration: {problem}");
            using var loggers = LoggerFactory.Create(logging => logging.AddInsightsConsole(configuration));
            // /metrics as a worker serves it (Observability:Urls), so the bench reads both applications' runtime figures alike.
            await using var observability = ObservabilityServer.Create(configuration, "ticket-count", RoleReadiness.FromProbes());
            if (observability is not null) await observability.StartAsync(ct);
            // As ScoringStream configures the workers' stream.
            // The workers' own Streamiz configuration (guarantee, commit interval, fetch wait, poll, idempotent producer,
            // compression, connection): the baseline differs from a worker only in its topology.
            var config = ScoringStream.Configure(settings, kafka, loggers);
            var state = KafkaStream.State.CREATED;
            long counted = 0, printed = 0;
            using var stream = new KafkaStream(Build(CinemaTables.Topic(CinemaTables.Tickets, settings.TopicPrefix), () => Interlocked.Increment(ref counted)), config);
            stream.StateChanged += (_, now) => state = now;
            // Streamiz's threads keep the token they start with: they get none, and Dispose stops them (see ScoringStream).
            await stream.StartAsync(CancellationToken.None);
            try
            {
                while (!ct.IsCancellationRequested && state != KafkaStream.State.ERROR)
                {
                    MarkReady(settings.ReadyFile, state == KafkaStream.State.RUNNING);
                    if (Interlocked.Read(ref counted) is var now && now != printed)
                        Console.WriteLine($"{CountedLine}{printed = now} tickets");
                    await Task.Delay(50, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            finally { MarkReady(settings.ReadyFile, false); }
            if (state == KafkaStream.State.ERROR) throw new CommandLineError("bench ticket-count: the stream failed; the log above says why");
            return 0;
        });
        return command;
    }

    private static void MarkReady(string? file, bool ready)
    {
        if (file is not { Length: > 0 }) return;
        if (!ready) File.Delete(file);
        else if (!File.Exists(file)) File.WriteAllText(file, DateTimeOffset.UtcNow.ToString("O"));
    }
}
