using System.Globalization;
using System.Text;
using System.Text.Json;
using Insights.Contracts;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Processors.DeadLetters;
using Insights.Processors.Events;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Insights.Propensity.Members;
using Insights.Propensity.Scoring;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace Insights.Processors.Members;

/// <summary>
/// The member side of the topology, one instance per task (a partition of member ids). Applies ticket and
/// member events to the member records through the model's <see cref="MemberState"/>, keeps each attendance change
/// in the member's outbox (<see cref="MemberRecord.Outbox"/>), and on a wall-clock punctuation sends the dirty
/// members' changes to the movie partitions they touch, one <see cref="CollectiveBatch"/> per partition, scores
/// them, and writes each changed record to the member store once, so a burst of a member's tickets costs one score
/// update and one write (a commit that comes first writes the records changed since the last punctuation). After a
/// catalog change it walks the local store in batches (rate-limited rescoring) so every member gets scores for new
/// candidate movies, and after a rescore command (<see cref="RescoreWalk"/>) it sends every member's scores again,
/// changed or not.
/// </summary>
public sealed class MemberProcessor : ITransformer<string, MemberEvent, string, Routed>
{
    private readonly ProcessorOptions options;
    private readonly SharedMovieState movies;
    private readonly string storeName;
    private readonly string deltasTopic;
    private readonly HashSet<string> dirty = [];
    // The records changed since the last flush, decoded: the flush scores them without reading and decoding them again.
    private readonly Dictionary<string, MemberRecord> saved = new(StringComparer.Ordinal);
    // Of those, the ones the store does not hold yet: written once, by the flush or by a commit before it.
    private readonly HashSet<string> unwritten = new(StringComparer.Ordinal);
    // Which outbox changes went to the movie owners, and which a commit delivered.
    private readonly OutboxWatermarks outboxes;
    // Deleted members whose retractions went since the last commit, and those the last commit delivered: their records go.
    private readonly HashSet<string> retractedSinceCommit = new(StringComparer.Ordinal);
    private readonly HashSet<string> retractedAtCommit = new(StringComparer.Ordinal);
    private readonly Queue<string> rescoreQueue = new();
    private readonly Queue<string> freshnessQueue = new();
    private int freshnessPerFlush = 1;
    private long freshnessWalkStartedMs = long.MinValue / 2;
    private readonly PropensityScorer scorer;
    private readonly RescoreRequests rescores;
    // Reused by every score: an update is digested and serialised before the next is computed, and is not kept.
    private CandidateScore[] candidateScores = [];
    private readonly List<MovieScore> ranked = [];
    // Reused by every update AddToBatches slices for the movie partitions other than its owner, in the order first touched.
    private readonly Dictionary<int, (List<int> Before, List<int> After)> otherSlices = [];
    private readonly List<int> otherPartitions = [];
    private RescoreWalk rescoreWalk = null!;
    // The members a rescore command asked for in this flush: sent even when nothing changed.
    private HashSet<string> commanded = [];
    private ProcessorContext<string, Routed> context = null!;
    private IKeyValueStore<string, byte[]> store = null!;
    private long catalogSeenAtMs = -1;
    // The profiles' publishing time as of this flush: every update of one flush carries the same time part.
    private long profilesSeenAtMs;
    private bool walkedOutboxes;
    private long eventOffset = -1;
    private int published;
    private bool processing;
    private bool initialized;

    // Streamiz's TransformerBuilder builds a throw-away instance with this constructor, then one per task
    // with the parameters given to it; Init refuses to run an instance without options.
    public MemberProcessor()
    {
        options = null!;
        movies = null!;
        storeName = "";
        deltasTopic = "";
        scorer = null!;
        rescores = null!;
        outboxes = null!;
    }

    public MemberProcessor(ProcessorOptions options, SharedMovieState movies, string storeName, string deltasTopic, RescoreRequests rescores)
    {
        this.rescores = rescores;
        this.options = options;
        this.movies = movies;
        this.storeName = storeName;
        this.deltasTopic = deltasTopic;
        scorer = new PropensityScorer(options.Model, movies.Catalog);
        outboxes = new OutboxWatermarks(options.TransactionalCommits);
    }

    public void Init(ProcessorContext<string, Routed> processorContext)
    {
        if (options is null) throw new InvalidOperationException("a member processor needs its options: build it through ScoringTopology");
        // Streamiz 1.8.2 initialises a node once per path from its task's sources: behind the merge of the tickets, members
        // and repartition sources this runs three times, and each run would schedule one more flush per interval.
        if (initialized) return;
        initialized = true;
        context = processorContext;
        store = (IKeyValueStore<string, byte[]>)context.GetStateStore(storeName);
        if (store is FlushHookedStore hooked) hooked.BeforeFlush = Committing;
        options.Restoration?.Begin(storeName, context.Id.Partition);
        processing = false;
        rescoreWalk = new RescoreWalk(rescores, options.RescoreBatch);
        context.Schedule(options.FlushInterval, PunctuationType.PROCESSING_TIME, Flush);
    }

    public Record<string, Routed> Process(Record<string, MemberEvent> record)
    {
        var key = record.Key;
        var change = record.Value;
        eventOffset = EventLanes.Identity(options, record.TopicPartitionOffset, change);
        published = EventLanes.FirstIndex(change);
        processing = true; // Streamiz processes records only for a task whose stores are restored
        try
        {
            if (change.Ticket is { } ticket) ApplyTicket(key, ticket);
            else if (change.Member is { } member) ApplyMember(key, member);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One event that cannot be applied costs a dead letter, never the partition: a throw here would
            // stop the stream thread, and the restarted task would meet the same event again. The record the event was
            // applied to may be half changed: the next event reads the stored one, which holds every earlier event (see Load).
            saved.Remove(key);
            unwritten.Remove(key);
            Forward(DeadLetter.For(e, "apply", change.Origin, Encoding.UTF8.GetBytes(key), MemberEventCodec.Encode(change)));
        }
        return null!;
    }

    private void ApplyTicket(string key, TicketChange ticket)
    {
        var record = Live(LoadToChange(key), ticket.MemberId);
        var applied = record.State.Apply(new TicketEvent(ticket.TicketId, ticket.MemberId, ticket.MovieId, ticket.AtSeconds, ticket.Retract),
            movies.GenresOf(ticket.MovieId), options.Model.Settings);
        if (applied.Kind == AttendanceChangeKind.None) return; // a replay, or a refund of a ticket not held
        Publish(record, applied);
        // A shared or guest account's history stops growing at the model's limit: the oldest attendance goes.
        while (record.State.ForgetBeyondLimit(options.Model.Settings) is { Kind: AttendanceChangeKind.Retracted } forgotten)
            Publish(record, forgotten);
        record.ChangeSequence++;
        // A member's tickets can be applied out of source order (ticket-keyed CDC): the score reflects the newest.
        record.Source = SourcePosition.Newest(record.Source, ticket.Source);
        Save(key, record);
    }

    private void ApplyMember(string key, MemberChange member)
    {
        var stored = LoadToChange(key);
        if (member.Deleted)
        {
            if (stored is null || stored.Deleted) return;
            // The record stays, marked deleted, until the flush has sent its retractions; then it goes.
            stored.Deleted = true;
            stored.DeletedAt = eventOffset;
            stored.ChangeSequence++;
            Save(key, stored);
            return;
        }
        var created = stored is null || stored.Deleted;
        var record = Live(stored, member.MemberId);
        var cellChanged = record.State.AudienceCell != member.AudienceCell;
        var changed = cellChanged || !Equals(record.Demographics, member.Demographics);
        if (!created && !changed) return;
        if (cellChanged)
        {
            // The collective audience mix counts each attendance in the member's cell: move each one, as a retraction from
            // the old cell and an addition to the new one that list no other movies, so the pairs stay as they are and
            // the move costs two small updates per attendance, not a retraction and re-addition of the whole history.
            var state = record.State;
            for (var i = 0; i < state.Count; i++)
            {
                record.Outbox.Add(CellMove(member.MemberId, state.Movies[i], state.Times[i], -1, state.AudienceCell, eventOffset, published++));
                record.Outbox.Add(CellMove(member.MemberId, state.Movies[i], state.Times[i], +1, member.AudienceCell, eventOffset, published++));
            }
            state.AudienceCell = member.AudienceCell;
        }
        record.Demographics = member.Demographics;
        // Only a change counts: a member row without demographics then yields the same version whether it arrives
        // before or after the member's tickets.
        if (changed) record.ChangeSequence++;
        record.Source = SourcePosition.Newest(record.Source, member.Source);
        Save(key, record);
    }

    private static CoAttendanceUpdate CellMove(int member, int movie, long at, int sign, byte cell, long offset, int index) =>
        new(movie, at, sign, cell, [], []) { MemberId = member, EventOffset = offset, Index = index };

    /// <summary>
    /// The retractions of a deleted member's attendances, newest first, each with the deleting event's offset and its
    /// position as identity (the same on every replay); the state is emptied.
    /// </summary>
    private IEnumerable<CoAttendanceUpdate> Retractions(MemberRecord record)
    {
        var state = record.State;
        var index = 0;
        while (state.Count > 0)
        {
            var i = state.Count - 1;
            var (ticketId, movieId, at) = (state.Tickets[i], state.Movies[i], state.Times[i]);
            var change = state.Apply(new TicketEvent(ticketId, state.MemberId, movieId, at, IsRefund: true), movies.GenresOf(movieId), options.Model.Settings);
            if (CoAttendanceUpdate.From(state, change, record.DeletedAt, index++) is { } update) yield return update;
        }
    }

    /// <summary>
    /// Queues the change in the member's outbox with the event's identity offset (<see cref="EventLanes"/>) and a running index as identity:
    /// replaying the event on a state that does not hold it yet queues the same identities again.
    /// </summary>
    private void Publish(MemberRecord record, AttendanceChange applied)
    {
        if (CoAttendanceUpdate.From(record.State, applied, eventOffset, published) is not { } update) return;
        published++;
        record.Outbox.Add(update);
    }

    private void Flush(long wallClockMs)
    {
        // The first walk must see the whole restored store, or members restored after it would never be rescored.
        if (!processing && options.Restoration is { } restoration && !restoration.IsRestored(storeName, context.Id.Partition)) return;
        if (!walkedOutboxes)
        {
            // Outboxes restored from the changelog hold changes older than anything processed since: they go first,
            // all in this flush, or the movie owners would take them for replays of what they already applied.
            walkedOutboxes = true;
            outboxes.Restore(store.Get(OutboxWatermarks.Key));
            foreach (var entry in RescoreWalk.Members(store))
                if (MemberRecord.Decode(entry.Value) is { } pending && (pending.Deleted || pending.Outbox.Exists(u => !outboxes.Forwarded(SourceOf(u), u.EventOffset))))
                    dirty.Add(entry.Key);
        }
        profilesSeenAtMs = movies.ProfilesPublishedAtMs;
        if (movies.CatalogChangedAtMs != catalogSeenAtMs)
        {
            catalogSeenAtMs = movies.CatalogChangedAtMs;
            rescoreQueue.Clear();
            foreach (var entry in RescoreWalk.Members(store)) rescoreQueue.Enqueue(entry.Key);
        }
        for (var n = 0; n < options.RescoreBatch && rescoreQueue.TryDequeue(out var key); n++) dirty.Add(key);
        var refresh = NextFreshnessRound(wallClockMs);
        foreach (var key in refresh) dirty.Add(key);
        commanded = rescoreWalk.NextRound(store);
        foreach (var key in commanded) dirty.Add(key);
        ClearDelivered();
        if (dirty.Count == 0) { WriteUnwritten(); saved.Clear(); return; }
        var batches = new Dictionary<int, List<CoAttendanceUpdate>>();
        foreach (var key in dirty.Order(StringComparer.Ordinal).ToList())
        {
            dirty.Remove(key);
            try { FlushMember(key, batches, wallClockMs, refresh.Contains(key)); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A member whose record cannot be read or scored is reported and skipped; the others still flush.
                Forward(DeadLetter.For(e, "score", new EventOrigin(storeName, context.Id.Partition, -1), Encoding.UTF8.GetBytes(key), store.Get(key)));
            }
        }
        WriteUnwritten();
        saved.Clear();
        outboxes.FlushEnded();
        foreach (var (partition, updates) in batches.OrderBy(b => b.Key))
        {
            // Identity order: the movie owner skips anything not newer than the newest identity it applied from this source.
            updates.Sort(static (a, b) => (a.EventOffset, a.Index).CompareTo((b.EventOffset, b.Index)));
            foreach (var lane in updates.GroupBy(SourceOf).OrderBy(g => g.Key))
                foreach (var batch in CollectiveBatch.Split(lane.Key, lane.ToList()))
                    Forward(new Routed(deltasTopic, Encoding.UTF8.GetBytes(partition.ToString(CultureInfo.InvariantCulture)), batch.Encode()));
        }
    }

    /// <summary>
    /// Runs in every commit of this task, when Streamiz flushes its stores, right before it flushes the producer (which
    /// delivers every batch forwarded so far or fails the task) and commits the input offsets: the records changed since
    /// the last flush are written, so the commit never covers an event the store does not hold. Streamiz commits a task
    /// only once it processed a record since the last commit: an idle task keeps sent changes in its stored outboxes (a
    /// restart sends them again, to be skipped by identity).
    /// </summary>
    private void Committing()
    {
        WriteUnwritten();
        if (outboxes.Committing() is { } marks) store.Put(OutboxWatermarks.Key, marks);
        retractedAtCommit.UnionWith(retractedSinceCommit);
        retractedSinceCommit.Clear();
    }

    /// <summary>
    /// Removes the records of deleted members whose retractions the last commit delivered. Removing one with the send
    /// would let a kill deliver the removal without the batch (records of different partitions are not ordered): the
    /// retractions would be lost, where a change sent twice is only skipped by its identity.
    /// </summary>
    private void ClearDelivered()
    {
        if (retractedAtCommit.Count == 0) return;
        foreach (var key in retractedAtCommit)
        {
            if (Load(key) is not { Deleted: true }) continue; // created again since: its record stays
            store.Delete(key);
            saved.Remove(key);
            unwritten.Remove(key);
        }
        retractedAtCommit.Clear();
    }

    /// <summary>
    /// The members due for a freshness rescore in this flush: the store's keys are taken once per FreshnessInterval and
    /// rescored an even share per flush, so the walk ends within the interval and a small store is not walked more often.
    /// </summary>
    private HashSet<string> NextFreshnessRound(long wallClockMs)
    {
        if (freshnessQueue.Count == 0 && wallClockMs - freshnessWalkStartedMs >= options.FreshnessInterval.TotalMilliseconds)
        {
            freshnessWalkStartedMs = wallClockMs;
            foreach (var entry in RescoreWalk.Members(store)) freshnessQueue.Enqueue(entry.Key);
            var flushes = Math.Max(1, options.FreshnessInterval / options.FlushInterval);
            freshnessPerFlush = (int)Math.Max(1, Math.Ceiling(freshnessQueue.Count / flushes));
        }
        var round = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 0; n < freshnessPerFlush && freshnessQueue.TryDequeue(out var key); n++) round.Add(key);
        return round;
    }

    /// <summary>
    /// Sends the member's outbox changes not sent yet into the batches, and scores the member if its version moved (or,
    /// for a freshness rescore, if what a subscriber would see changed); a record that changed is written after the flush.
    /// </summary>
    private void FlushMember(string key, Dictionary<int, List<CoAttendanceUpdate>> batches, long wallClockMs, bool refresh)
    {
        if (Load(key) is not { } record) return;
        // Changes forwarded in an earlier flush are not sent again.
        foreach (var update in record.Outbox)
            if (!outboxes.Forwarded(SourceOf(update), update.EventOffset)) AddToBatches(batches, update);
        if (record.Deleted)
        {
            if (!retractedSinceCommit.Add(key)) return;
            // From a copy: the record keeps its state until the retractions are delivered, so a replay computes them again.
            foreach (var retraction in Retractions(MemberRecord.Decode(record.Encode()))) AddToBatches(batches, retraction);
            Forward(new Routed(TopicNames.Scores, Encoding.UTF8.GetBytes(key), null));
            return;
        }
        // A member last scored by another model owes new scores even when nothing else changed.
        var rolled = record.RollTo(options.Model.ModelVersion);
        var version = record.ScoreVersion(catalogSeenAtMs);
        var resend = commanded.Contains(key);
        if (record.ScoredVersion != version || refresh || resend)
        {
            var cause = CauseOf(key, record, version, rolled, resend);
            var update = Score(record, record.UpdateVersion(catalogSeenAtMs, profilesSeenAtMs), wallClockMs, cause);
            // Nothing a subscriber sees changed (a catalog change that left this member's candidates and scores as
            // they were, or a freshness rescore with the same profiles): no record goes out.
            var digest = ScoreDigest.Of(update);
            // A rescore command sends the update even when it equals the last one sent: the sinks may hold an older one now.
            if (digest != record.EmittedDigest || resend)
            {
                Forward(new Routed(TopicNames.Scores, Encoding.UTF8.GetBytes(key), JsonSerializer.SerializeToUtf8Bytes(update, ContractsJsonContext.Default.ScoreUpdate)));
                // Latency is of scores answering a member's own event; rescores keep the member's old source time.
                if (ScoreCauses.IsMemberEvent(cause)) Telemetry.ProcessorMetrics.ScoreEmitted(record.Source.TsMs);
                record.EmittedDigest = digest;
            }
            record.ScoredVersion = version;
            Changed(key, record);
        }
    }

    /// <summary>
    /// Adds the update to the batch of every movie partition owning a movie whose row it changes. The partition owning
    /// the update's movie gets it whole (that movie's row pairs with all the member's other movies); any other partition
    /// gets only its own movies from the lists, plus the newest FollowWindow movies before it unchanged so the follow
    /// gaps stay right: what it applies to its rows is the same, and the bytes and work per update stay O(history) in all.
    /// </summary>
    private void AddToBatches(Dictionary<int, List<CoAttendanceUpdate>> batches, CoAttendanceUpdate update)
    {
        outboxes.Sending(SourceOf(update), update.EventOffset);
        var partitions = options.Partitions;
        var owner = CollectiveBatch.PartitionOf(update.MovieId, partitions);
        Batch(batches, owner).Add(update);
        // Another owner needs its own movies among the member's others (pair cells), and the follow window on both
        // sides of the movie in place (follow cells, which shift when the movie lands between two attendances).
        var window = options.Model.Settings.FollowWindow;
        var tail = Math.Min(window, update.Before.Length);
        var head = update.Before.Length - tail;
        var near = Math.Min(window, update.After.Length);
        otherPartitions.Clear();
        (List<int> Before, List<int> After) Lists(int partition)
        {
            if (!otherSlices.TryGetValue(partition, out var lists)) otherSlices[partition] = lists = ([], []);
            if (!otherPartitions.Contains(partition))
            {
                otherPartitions.Add(partition);
                lists.Before.Clear();
                lists.After.Clear();
            }
            return lists;
        }
        for (var i = 0; i < head; i++)
            if (CollectiveBatch.PartitionOf(update.Before[i], partitions) is var p && p != owner) Lists(p).Before.Add(update.Before[i]);
        for (var i = head; i < update.Before.Length; i++)
            if (CollectiveBatch.PartitionOf(update.Before[i], partitions) is var p && p != owner) Lists(p);
        for (var i = 0; i < near; i++)
            if (CollectiveBatch.PartitionOf(update.After[i], partitions) is var p && p != owner) Lists(p);
        for (var i = near; i < update.After.Length; i++)
            if (CollectiveBatch.PartitionOf(update.After[i], partitions) is var p && p != owner) Lists(p).After.Add(update.After[i]);
        foreach (var partition in otherPartitions)
        {
            var (before, after) = otherSlices[partition];
            before.AddRange(update.Before.AsSpan(head));
            after.InsertRange(0, update.After.AsSpan(0, near));
            Batch(batches, partition).Add(update with { Before = before.ToArray(), After = after.ToArray() });
        }
    }

    private static List<CoAttendanceUpdate> Batch(Dictionary<int, List<CoAttendanceUpdate>> batches, int partition) =>
        batches.TryGetValue(partition, out var list) ? list : batches[partition] = [];

    /// <summary>
    /// Why the member is scored in this flush (<see cref="ScoreCauses"/>). Its own event comes first, whatever else is
    /// due: the update then answers that event. An event shows as a version whose high part rose by more than a model
    /// roll (which survives a restart between the event and its flush), or as a record saved since the last flush (a
    /// new member row without demographics changes no count).
    /// </summary>
    private string CauseOf(string key, MemberRecord record, long version, bool rolled, bool resend)
    {
        var ownChanges = (version >> MemberRecord.CatalogBits) - (record.ScoredVersion >> MemberRecord.CatalogBits) - (rolled ? 1 : 0);
        if (ownChanges > 0 || saved.ContainsKey(key)) return ScoreCauses.MemberEvent;
        if (rolled) return ScoreCauses.Model;
        if (version != record.ScoredVersion) return ScoreCauses.Catalog;
        return resend ? ScoreCauses.Command : ScoreCauses.Profiles;
    }

    private ScoreUpdate Score(MemberRecord record, long version, long computedAtMs, string cause)
    {
        var state = record.State;
        var at = state.LastAt ?? record.Source.TsMs / 1000;
        var scores = movies.Score(scorer, state, at, ref candidateScores);
        var update = new ScoreUpdate
        {
            MemberId = state.MemberId,
            Version = version,
            ModelVersion = options.Model.ModelVersion,
            Source = record.Source,
            ComputedAtMs = computedAtMs,
            Scores = Ranked(scores),
            Demographics = record.Demographics,
            Cause = cause,
        };
        return update;
    }

    /// <summary>Most probable first, ties by movie id.</summary>
    private List<MovieScore> Ranked(Span<CandidateScore> scores)
    {
        scores.Sort(static (a, b) => b.Probability != a.Probability ? b.Probability.CompareTo(a.Probability) : a.MovieId.CompareTo(b.MovieId));
        ranked.Clear();
        foreach (var s in scores) ranked.Add(new MovieScore(s.MovieId, Math.Round(s.Probability, 6), s.AlreadySeen));
        return ranked;
    }

    private int SourceOf(CoAttendanceUpdate update) => EventLanes.Source(options, context.Id.Partition, update.EventOffset);

    private MemberRecord? Load(string key) =>
        saved.TryGetValue(key, out var record) ? record : store.Get(key) is { } bytes ? MemberRecord.Decode(bytes) : null;

    /// <summary>
    /// The record an event is about to change. One changed since it was last written is written first: an event that fails
    /// half applied then falls back to the stored record without losing the events before it.
    /// </summary>
    private MemberRecord? LoadToChange(string key)
    {
        if (unwritten.Remove(key)) Write(key, saved[key]);
        return Load(key);
    }

    private MemberRecord New(int memberId) => new(new MemberState(memberId, options.GenreNames.Count)) { ModelVersion = options.Model.ModelVersion };

    /// <summary>The member's record to apply an event to: a new one when there is none or it was deleted (keeping the unsent outbox and the version count).</summary>
    private MemberRecord Live(MemberRecord? stored, int memberId)
    {
        if (stored is { Deleted: false }) return stored;
        var record = New(memberId);
        if (stored is null) return record;
        // Deleted and created again before a flush: the old attendances' retractions go out before the new ones.
        stored.Outbox.AddRange(Retractions(stored));
        record.Outbox.AddRange(stored.Outbox);
        record.ChangeSequence = stored.ChangeSequence;
        record.ScoredVersion = stored.ScoredVersion;
        return record;
    }

    /// <summary>An event changed the record: it is scored and written at the next flush (or commit, if that comes first).</summary>
    private void Save(string key, MemberRecord record)
    {
        Changed(key, record);
        dirty.Add(key);
    }

    private void Changed(string key, MemberRecord record)
    {
        saved[key] = record;
        unwritten.Add(key);
    }

    private void WriteUnwritten()
    {
        foreach (var key in unwritten) Write(key, saved[key]);
        unwritten.Clear();
    }

    /// <summary>Writes the record without the outbox changes a commit delivered.</summary>
    private void Write(string key, MemberRecord record)
    {
        record.Outbox.RemoveAll(update => outboxes.Delivered(SourceOf(update), update.EventOffset));
        store.Put(key, record.Encode());
    }

    private void Forward(Routed routed) => context.Forward(routed.Topic, routed);

    public void Close()
    {
        initialized = false;
        walkedOutboxes = false;
        saved.Clear();
        unwritten.Clear();
        retractedSinceCommit.Clear();
        retractedAtCommit.Clear();
    }
}
