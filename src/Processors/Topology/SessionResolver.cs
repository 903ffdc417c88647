using System.Globalization;
using System.Text;
using Insights.Processors.DeadLetters;
using Insights.Processors.Events;
using Insights.Processors.Movies;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace Insights.Processors.Topology;

/// <summary>
/// Resolves a ticket's session to its movie through the sessions global store, once the catalog knows the
/// movie too. The session and movie rows usually commit before the first ticket, but global stores read
/// them on their own thread, so a ticket can arrive first: it waits in a store (with a changelog, so a crash
/// does not lose it) and is retried on each punctuation; after <see cref="ProcessorOptions.SessionWait"/> it
/// becomes a dead letter. While any ticket waits, new tickets queue behind it (keys are arrival sequence
/// numbers, so the store iterates in arrival order): a member's tickets keep their order, which the
/// collective "follows" counts depend on. Behind the member repartition hop the others' tickets leave as soon as they
/// resolve; tickets keyed by member leave strictly in arrival order (their offsets are their identities). A ticket bought before the sessions' retention horizon whose session is not
/// held does not wait: its session was dropped with the old showtimes (or never existed), so it is dead-lettered at
/// once (stage session-expired) instead of holding its member's later tickets for the whole wait.
/// </summary>
public sealed class SessionResolver : ITransformer<string, MemberEvent[], string, Parsed<MemberEvent>>
{
    private readonly ProcessorOptions options;
    private readonly SharedMovieState movies;
    private readonly string storeName;
    private ProcessorContext<string, Parsed<MemberEvent>> context = null!;
    private IKeyValueStore<string, byte[]> waiting = null!;
    private long? nextSequence;
    // Exact, unlike RocksDB's estimated entry count: a ticket may only skip the queue when nothing waits.
    private long waitingCount;
    private bool processing;
    // Tickets keyed by member: queue keys below this were restored (queued by an earlier instance of the task), and the
    // newest ticket offset this instance has read. See ReadUpTo.
    private string restoredBelow = "";
    private long readThrough = -1;
    private long firstRetryMs = -1;

    /// <summary>
    /// How long a task that reads no ticket at all waits before releasing restored tickets: a task behind its queue's tickets
    /// reads again from before them within seconds of starting, so a silent partition means its commit was past them.
    /// </summary>
    public static readonly TimeSpan RestoredQueueGrace = TimeSpan.FromSeconds(30);

    // Streamiz's TransformerBuilder builds a throw-away instance with this constructor, then one per task
    // with the parameters given to it; Init refuses to run an instance without options.
    public SessionResolver()
    {
        options = null!;
        movies = null!;
        storeName = "";
    }

    public SessionResolver(ProcessorOptions options, SharedMovieState movies, string storeName)
    {
        this.options = options;
        this.movies = movies;
        this.storeName = storeName;
    }

    public void Init(ProcessorContext<string, Parsed<MemberEvent>> processorContext)
    {
        if (options is null) throw new InvalidOperationException("a session resolver needs its options: build it through ScoringTopology");
        context = processorContext;
        waiting = (IKeyValueStore<string, byte[]>)context.GetStateStore(storeName);
        options.Restoration?.Begin(storeName, context.Id.Partition);
        nextSequence = null;
        processing = false;
        readThrough = -1;
        firstRetryMs = -1;
        context.Schedule(options.FlushInterval, PunctuationType.PROCESSING_TIME, Retry);
    }

    /// <summary>Resolves a ticket event's changes (two for a transfer or exchange), each keyed by its member.</summary>
    public Record<string, Parsed<MemberEvent>> Process(Record<string, MemberEvent[]> record)
    {
        // Records are processed only once the task's stores are restored, so the store holds every waiting ticket here.
        processing = true;
        LoadQueue();
        // Only tickets reach the resolver.
        foreach (var change in record.Value)
        {
            readThrough = Math.Max(readThrough, change.Origin.Offset);
            if ((waitingCount == 0 || AheadOfQueue(change)) && (Resolve(change) ?? Expired(change)) is { } outcome)
            {
                Forward(change, outcome);
                continue;
            }
            waiting.Put(SequenceKey(nextSequence!.Value), Waiting.Encode(context.WallClockTime, change));
            nextSequence++;
            waitingCount++;
        }
        return null!;
    }

    private void Forward(MemberEvent change, Parsed<MemberEvent> outcome) => context.Forward(outcome.Failed ? "" : Id(change.MemberId), outcome);

    /// <summary>
    /// Tickets keyed by member: a ticket from before the first waiting one is a replay (the task restarted behind its last
    /// commit, its queue restored) of a ticket that was processed ahead of the queue; it goes ahead again, so the order
    /// of offsets, which are its identities, holds.
    /// </summary>
    private bool AheadOfQueue(MemberEvent change)
    {
        if (!options.TicketsKeyedByMember) return false;
        if (StoreEntries.FirstOf(waiting) is not { } first) return true;
        var head = Waiting.Decode(first.Value).Change.Origin;
        return change.Origin.Topic == head.Topic && change.Origin.Offset < head.Offset;
    }

    /// <summary>
    /// Tickets keyed by member: whether a waiting ticket may leave. One this instance queued may. One restored with the
    /// queue may only once this instance has read its partition up to it: the task restarts from its last commit, and the
    /// tickets read before the queued one since that commit are read again; their states may be lost (the stores reach
    /// their changelogs store by store at a commit, so a kill can keep the queue and lose a member's record) and they must
    /// be applied first, or their offsets, which are their identities, fall behind the released one's and the movie tasks
    /// take them for replays. A task that reads no ticket at all for <see cref="RestoredQueueGrace"/> committed past its
    /// queue: then nothing older comes again.
    /// </summary>
    private bool ReadUpTo(string key, MemberEvent change, long wallClockMs) =>
        string.CompareOrdinal(key, restoredBelow) >= 0
        || change.Origin.Offset <= readThrough
        || readThrough < 0 && wallClockMs - firstRetryMs >= RestoredQueueGrace.TotalMilliseconds;

    /// <summary>Reads the restored queue once: the next sequence number and how many tickets wait.</summary>
    private void LoadQueue()
    {
        if (nextSequence is not null) return;
        var keys = StoreEntries.Of(waiting).Select(e => long.Parse(e.Key, CultureInfo.InvariantCulture)).ToList();
        nextSequence = keys.Count == 0 ? 0 : keys.Max() + 1;
        restoredBelow = SequenceKey(nextSequence.Value);
        waitingCount = keys.Count;
    }

    private void Retry(long wallClockMs)
    {
        // Punctuations run before the restore: retrying a partly restored queue would break the tickets' order.
        if (!processing && options.Restoration is { } restoration && !restoration.IsRestored(storeName, context.Id.Partition)) return;
        LoadQueue();
        if (firstRetryMs < 0) firstRetryMs = wallClockMs;
        if (waitingCount == 0) return;
        // A member's tickets leave in their order: behind a ticket of the member that still waits, the next ones wait too.
        var blocked = new HashSet<int>();
        foreach (var entry in StoreEntries.Of(waiting))
        {
            var (since, change) = Waiting.Decode(entry.Value);
            if (blocked.Contains(change.MemberId)) continue;
            if (options.TicketsKeyedByMember && !ReadUpTo(entry.Key, change, wallClockMs)) break;
            if ((Resolve(change) ?? Expired(change)) is { } outcome)
                Forward(change, outcome);
            else if (wallClockMs - since >= options.SessionWait.TotalMilliseconds)
                Forward(change, new Parsed<MemberEvent>(null, DeadLetter.For(
                    new InvalidOperationException($"ticket {change.Ticket!.TicketId} refers to session {change.Ticket.SessionId}, which is unknown (or its movie is not in the catalog) after {options.SessionWait.TotalSeconds:0.#} s"),
                    "session-join", change.Origin, Encoding.UTF8.GetBytes(Id(change.Ticket.TicketId)), MemberEventCodec.Encode(change))));
            else
            {
                // Tickets keyed by member keep their CDC offsets as identities: they leave strictly in arrival order, or a
                // movie task that applied a later one would skip this one as a replay.
                if (options.TicketsKeyedByMember) break;
                blocked.Add(change.MemberId);
                continue;
            }
            waiting.Delete(entry.Key);
            waitingCount--;
        }
    }

    private Parsed<MemberEvent>? Resolve(MemberEvent change)
    {
        var ticket = change.Ticket!;
        // The movie must be in the catalog too: the member's genre affinity is updated with its genres.
        return movies.Sessions.MovieOf(ticket.SessionId) is { } movie && movies.KnowsMovie(movie)
            ? new Parsed<MemberEvent>(change with { Ticket = ticket with { MovieId = movie } }, null)
            : null;
    }

    /// <summary>A dead letter when the ticket's session is not held and the ticket is older than the retention horizon.</summary>
    private Parsed<MemberEvent>? Expired(MemberEvent change)
    {
        var ticket = change.Ticket!;
        var horizonMs = movies.Sessions.HorizonMs;
        if (movies.Sessions.MovieOf(ticket.SessionId) is not null || ticket.AtSeconds * 1000 >= horizonMs) return null;
        var error = new InvalidOperationException($"ticket {ticket.TicketId} refers to session {ticket.SessionId}, which is not held: the ticket was bought at " +
            $"{Utc(ticket.AtSeconds * 1000)}, before the session retention horizon {Utc(horizonMs)} ({movies.Sessions.Retention.TotalDays:0} days " +
            "before the newest session time, Processors:SessionRetentionDays), so its session was dropped as past or never existed");
        return new Parsed<MemberEvent>(null, DeadLetter.For(error, "session-expired", change.Origin,
            Encoding.UTF8.GetBytes(Id(ticket.TicketId)), MemberEventCodec.Encode(change)));
    }

    // Fixed width, so the store's byte order is arrival order.
    private static string SequenceKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static string Utc(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public void Close() { }

    /// <summary>A waiting ticket: when it started waiting (wall clock, ms) and the event.</summary>
    private static class Waiting
    {
        public static byte[] Encode(long sinceMs, MemberEvent change) => BinaryFields.Encode(w =>
        {
            w.Write(sinceMs);
            var bytes = MemberEventCodec.Encode(change);
            w.Write7BitEncodedInt(bytes.Length);
            w.Write(bytes);
        });

        public static (long SinceMs, MemberEvent Change) Decode(byte[] bytes) => BinaryFields.Decode(bytes, "waiting ticket", r =>
        {
            var since = r.ReadInt64();
            var length = r.Read7BitEncodedInt();
            return (since, MemberEventCodec.Decode(r.ReadBytes(length)));
        });
    }
}
