using System.Globalization;
using System.Text;
using Insights.Contracts.Topics;
using Insights.Processors.Events;
using Insights.Processors.Members;
using Insights.Processors.Movies;
using Insights.Processors.Parsing;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

namespace Insights.Processors.Topology;

/// <summary>
/// The whole stream, top to bottom:
/// <list type="number">
/// <item>sessions and movies CDC -> parsed -> compacted reference topics (session -> movie and showtime, catalog);</item>
/// <item>sessions, the catalog and the movie profiles -> global stores feeding this worker's <see cref="SharedMovieState"/>;
///   operators' commands -> a global store feeding <see cref="RescoreRequests"/>;</item>
/// <item>tickets CDC -> parsed -> session resolved to its movie (sessions global store; a ticket may wait for its session) -> keyed by member;
///   members CDC -> parsed -> keyed by member. Tickets keyed by member are read by the member task where they are; from a
///   ticket-keyed source every member event goes through the repartition topic (partitioned by member);</item>
/// <item>member events -> <see cref="MemberProcessor"/> (member store, RocksDB + changelog) -> score updates keyed by member
///   (punctuated), tombstones for deleted members, and attendance changes batched per movie partition;</item>
/// <item>attendance changes -> repartitioned by movie -> <see cref="MovieProcessor"/> (movie store, RocksDB + changelog)
///   -> movie profiles keyed by movie (punctuated), read back by every worker as a global table;</item>
/// <item>anything that fails to parse or apply -> the dead-letter topic, with the reason and origin in headers.</item>
/// </list>
/// </summary>
public static class ScoringTopology
{
    public const string SessionsStore = "sessions-global";
    public const string CatalogStore = "catalog-global";
    public const string ProfilesStore = "movie-profiles-global";
    public const string CommandsStore = "processor-commands-global";

    /// <summary>The topics the topology writes records to (besides its internal repartition topics and changelogs).</summary>
    public static readonly IReadOnlyList<string> OutputTopics =
        [ProcessorTopics.Sessions, ProcessorTopics.Catalog, ProcessorTopics.MovieProfiles, TopicNames.Scores, TopicNames.DeadLetter];

    public static Streamiz.Kafka.Net.Stream.Topology Build(ProcessorOptions options, SharedMovieState movies)
    {
        options.Validated();
        var builder = new StreamBuilder();
        var bytes = new ByteArraySerDes();
        var strings = new StringSerDes();

        // 1. Reference data: sessions and movies, reduced to small compacted topics.
        var sessions = Read<RoutedValue>(builder, options.SessionsTopic, (_, value, _) =>
            ChangeParsing.Session(value) is { } s ? (Id(s.SessionId), new RoutedValue(s.Entry?.Encode())) : null);
        Emit("sessions", Failures(sessions).Merge(Values(sessions)
            .Map((k, v, _) => KeyValuePair.Create(k, new Routed(ProcessorTopics.Sessions, Encoding.UTF8.GetBytes(k), v.Bytes)))),
            ProcessorTopics.Sessions, TopicNames.DeadLetter);

        var catalog = Read<RoutedValue>(builder, options.MoviesTopic, (_, value, _) =>
            ChangeParsing.Movie(value, options.GenreNames) is { } entry ? (Id(entry.Movie.Id), new RoutedValue(entry.Encode())) : null);
        Emit("catalog", Failures(catalog).Merge(Values(catalog)
            .Map((k, v, _) => KeyValuePair.Create(k, new Routed(ProcessorTopics.Catalog, Encoding.UTF8.GetBytes(k), v.Bytes)))),
            ProcessorTopics.Catalog, TopicNames.DeadLetter);

        // 2. Global state on every worker: session -> movie, the catalog, the collective state.
        builder.AddGlobalStore(GlobalStore(SessionsStore), ProcessorTopics.Sessions,
            Global(options, "sessions", r => movies.Sessions.Apply(int.Parse(r.Key, CultureInfo.InvariantCulture),
                r.Value is null ? null : SessionEntry.Decode(r.Value))),
            strings, bytes, null!, "sessions-updater");
        builder.AddGlobalStore(GlobalStore(CatalogStore), ProcessorTopics.Catalog,
            Global(options, "catalog", r => { if (r.Value is not null) movies.Apply(CatalogEntry.Decode(r.Value)); }),
            strings, bytes, null!, "catalog-updater");
        builder.AddGlobalStore(GlobalStore(ProfilesStore), ProcessorTopics.MovieProfiles,
            Global(options, "profiles", r => { if (r.Value is not null) movies.Apply(MovieProfileCodec.Decode(r.Value)); }),
            strings, bytes, null!, "profiles-updater");
        var rescores = new RescoreRequests();
        builder.AddGlobalStore(GlobalStore(CommandsStore), TopicNames.ProcessorCommands,
            Global(options, "commands", r => rescores.Apply(r.Key, r.Value)),
            strings, bytes, null!, "commands-updater");

        // 3. Tickets resolved to movies and members, keyed by member.
        // One ticket event can be two changes: a transfer or exchange retracts the before image and applies the after.
        var tickets = Read<MemberEvent[]>(builder, options.TicketsTopic, (key, value, origin) =>
            ChangeParsing.Tickets(value) is { Count: > 0 } changes ? (Id(changes[0].SessionId), ForMember(options, key, changes, origin)) : null);
        // Cached like the member store, so the queue reaches its changelog with the commit that delivers the member states
        // next to it: uncached, a kill between commits kept a release's delete while losing the state the release changed
        // (the ticket was gone), and kept a queued ticket while losing the states of the tickets read before it (replayed
        // after the restored queue was released, their CDC offsets fell behind the released one's and the movie tasks
        // skipped them as replays).
        var waitingStore = Stores.KeyValueStoreBuilder(new RocksDbFlushedOnClose(ProcessorTopics.WaitingTicketsStore), strings, bytes)
            .WithLoggingEnabled(new Dictionary<string, string> { ["cleanup.policy"] = "compact" })
            .WithCachingEnabled(CacheSize.OfMb(4));
        // Each change leaves the resolver keyed by its member.
        var resolved = Values(tickets).Transform(TransformerBuilder.New<string, MemberEvent[], string, Parsed<MemberEvent>>()
            .Transformer<SessionResolver>(options, movies, ProcessorTopics.WaitingTicketsStore).StateStore(waitingStore).Build(), "session-resolver");
        var ticketEvents = Values(resolved);

        var members = Read<MemberEvent>(builder, options.MembersTopic, (_, value, origin) =>
            ChangeParsing.Member(value) is { } m ? (Id(m.MemberId), new MemberEvent(null, m, origin)) : null);
        Emit("events", Failures(tickets).Merge(Failures(resolved)).Merge(Failures(members)), TopicNames.DeadLetter);

        // Tickets keyed by member are already in their member's partition: the member task reads them where they are.
        var memberEvents = ticketEvents.Merge(Values(members));
        if (!options.TicketsKeyedByMember)
            memberEvents = memberEvents.Repartition(Repartitioned<string, MemberEvent>.As(ProcessorTopics.MemberEventsRepartition)
                .WithKeySerdes(strings).WithValueSerdes(new MemberEventSerDes()).WithNumberOfPartitions(options.Partitions));

        // 4. Member state, collective updates, scores.
        // Flush-hooked: the processor learns of each commit, after which the batches it forwarded are delivered.
        var memberStore = FlushHookedStore.Builder(ProcessorTopics.MemberStore)
            .WithLoggingEnabled(new Dictionary<string, string> { ["cleanup.policy"] = "compact" })
            // The cache folds a member's many writes between commits into one changelog record: the mock
            // broker keeps 5 MiB per partition, and a member's state is rewritten on every ticket.
            .WithCachingEnabled(CacheSize.OfMb(16));
        var memberOutputs = memberEvents.Transform(TransformerBuilder.New<string, MemberEvent, string, Routed>()
            .Transformer<MemberProcessor>(options, movies, ProcessorTopics.MemberStore, ProcessorTopics.CollectiveDeltasRepartition, rescores)
            .StateStore(memberStore).Build(), "member-processor");
        Emit("members", memberOutputs.Filter((_, v, _) => v.Topic != ProcessorTopics.CollectiveDeltasRepartition), TopicNames.Scores, TopicNames.DeadLetter);

        // 5. Collective state partitioned by movie: each batch goes to the movie partition its key names.
        var deltas = memberOutputs.Filter((_, v, _) => v.Topic == ProcessorTopics.CollectiveDeltasRepartition)
            .Map((_, v, _) => KeyValuePair.Create(Encoding.UTF8.GetString(v.Key!), v.Value!))
            .Repartition(Repartitioned<string, byte[]>.As(ProcessorTopics.CollectiveDeltasRepartition)
                .WithKeySerdes(strings).WithValueSerdes(bytes).WithNumberOfPartitions(options.Partitions)
                .WithStreamPartitioner((_, key, _, _, partitions) => new Confluent.Kafka.Partition(int.Parse(key, CultureInfo.InvariantCulture) % partitions)));
        // Rows live in the movie tasks' memory; their changed cells are written once per commit, before it.
        var movieStore = FlushHookedStore.Builder(ProcessorTopics.MovieStore)
            .WithLoggingEnabled(new Dictionary<string, string> { ["cleanup.policy"] = "compact" });
        Emit("movies", deltas.Transform(TransformerBuilder.New<string, byte[], string, Routed>()
            .Transformer<MovieProcessor>(options, movies, ProcessorTopics.MovieStore)
            .StateStore(movieStore).Build(), "movie-processor"), ProcessorTopics.MovieProfiles, TopicNames.DeadLetter);
        return builder.Build();
    }

    /// <summary>
    /// A stage's outputs leave through their own sinks, one per topic. Stages are never merged into one stream: a merge
    /// would join their sub-topologies into one task per partition, and a task runs only once all its stores are
    /// restored, so the stateless reference stages would stall behind a movie task's restore (tickets waiting for a
    /// session the stalled stage has not passed on yet).
    /// </summary>
    private static void Emit(string stage, IKStream<string, Routed> outputs, params string[] topics)
    {
        var stamped = outputs.Transform(TransformerBuilder.New<string, Routed, byte[], Routed>().Transformer<HeaderStamp>().Build(), $"stamp-{stage}");
        foreach (var topic in topics)
        {
            var sink = new OutputTopic<byte[], Routed>(topic, stage);
            stamped.Filter((_, v, _) => v.Topic == topic).To(sink, new ByteArraySerDes(), new RoutedSerDes(), sink, partitioner: null, sink.SinkName);
        }
    }

    /// <summary>
    /// A ticket event's changes. With <see cref="ProcessorOptions.TicketsKeyedByMember"/> each change must be keyed by its
    /// member: one keyed otherwise sits in a partition whose task does not hold that member.
    /// </summary>
    private static MemberEvent[] ForMember(ProcessorOptions options, byte[]? key, IReadOnlyList<TicketChange> changes, EventOrigin origin)
    {
        var events = new MemberEvent[changes.Count];
        for (var part = 0; part < changes.Count; part++)
        {
            var change = changes[part];
            if (options.TicketsKeyedByMember && !MemberKey.Is(key, change.MemberId))
                throw new FormatException($"ticket {change.TicketId} of member {change.MemberId} is keyed {(key is null ? "null" : Encoding.UTF8.GetString(key))}, " +
                    $"not {Encoding.UTF8.GetString(MemberKey.Of(change.MemberId))}: Processors:TicketsKeyedByMember is true, so each ticket event must be keyed " +
                    "by its member (Debezium message.key.columns cinema.tickets:member_id, or Capture:MessageKeyColumns); set it false for a ticket-keyed source");
            events[part] = new MemberEvent(change, null, origin) { Part = part };
        }
        return events;
    }

    private static IKStream<string, Parsed<T>> Read<T>(StreamBuilder builder, string topic, Func<byte[]?, byte[]?, EventOrigin, (string, T)?> read)
        where T : class =>
        builder.Stream(topic, new ByteArraySerDes(), new ByteArraySerDes())
            .Transform(TransformerBuilder.New<byte[], byte[], string, Parsed<T>>()
                .Transformer<SourceReader<T>>(read).Build(), $"read-{topic}");

    private static IKStream<string, Routed> Failures<T>(IKStream<string, Parsed<T>> parsed) where T : class =>
        parsed.Filter((_, v, _) => v.Failed).MapValues((v, _) => v.Failure!);

    private static IKStream<string, T> Values<T>(IKStream<string, Parsed<T>> parsed) where T : class =>
        parsed.Filter((_, v, _) => !v.Failed).MapValues((v, _) => v.Value!);

    /// <summary>
    /// A global store's updater. The global thread has no handler: a throw would stop it, and with it every stream
    /// thread of the worker, again at every restart (the topics are replayed whole). A record that cannot be applied
    /// goes to the dead-letter topic with stage "global-{what}" through the worker's own dead-letter producer, and is
    /// skipped. Every worker reads the whole topic, so every worker writes that dead letter.
    /// </summary>
    private static Streamiz.Kafka.Net.Processors.Public.ProcessorSupplier<string, byte[]> Global(ProcessorOptions options, string what, Action<Record<string, byte[]>> apply) =>
        ProcessorBuilder.New<string, byte[]>().Processor(r =>
        {
            try { apply(r); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var stage = $"global-{what}";
                var at = r.TopicPartitionOffset;
                if (options.GlobalDeadLetters?.GlobalRecordFailed(e, stage, at?.Topic ?? "", at?.Partition.Value ?? -1, at?.Offset.Value ?? -1,
                        r.Key is null ? null : Encoding.UTF8.GetBytes(r.Key), r.Value, r.Headers) != true)
                    Telemetry.ProcessorMetrics.DeadLettered(stage, e);
            }
        }).Build();

    private static IStoreBuilder<IKeyValueStore<string, byte[]>> GlobalStore(string name) =>
        Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(name), new StringSerDes(), new ByteArraySerDes()).WithLoggingDisabled();

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A value bound for a reference topic (null = tombstone).</summary>
    private sealed record RoutedValue(byte[]? Bytes);
}
