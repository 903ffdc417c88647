using System.Globalization;
using System.Text;
using Insights.Processors.DeadLetters;
using Insights.Processors.Events;
using Insights.Processors.Topology;
using Insights.Propensity.Collective;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace Insights.Processors.Movies;

/// <summary>
/// The movie side of the topology, one instance per task (a partition of movie ids, <see cref="CollectiveBatch.PartitionOf"/>).
/// Applies the member tasks' <see cref="CollectiveBatch"/>es to the rows of the movies it owns (the model's
/// <see cref="CollectiveState"/>, restricted to them), keeps those rows in its store in blocks of cells (<see cref="MovieStoreLayout"/>;
/// the changed blocks once per commit, just before it) so a restart restores
/// them without replaying history, and on a wall-clock punctuation (ProfileInterval) publishes each owned movie whose
/// <see cref="MovieProfile"/> changed to the movie profiles topic, which every worker reads as a global table.
/// Neighbour lists are normalised by other movies' counts as that table last showed them.
/// </summary>
public sealed class MovieProcessor : ITransformer<string, byte[], string, Routed>
{
    private readonly ProcessorOptions options;
    private readonly SharedMovieState movies;
    private readonly string storeName;
    private readonly Dictionary<int, (long EventOffset, int Index)> watermarks = [];
    private readonly HashSet<int> dirtyHeaders = [];
    private readonly HashSet<int> dirtyWatermarks = [];
    private readonly HashSet<(char Kind, int Movie, int Block)> dirtyBlocks = [];
    // Cell records of the store's layout before blocks, deleted with the commit that writes their blocks.
    private readonly List<string> legacyCells = [];
    private readonly HashSet<int> unpublished = [];
    private readonly Dictionary<int, byte[]> published = [];
    private ProcessorContext<string, Routed> context = null!;
    private IKeyValueStore<string, byte[]> store = null!;
    private CollectiveState rows = null!;
    private float[] tableCounts = [];
    private long countsVersionSeen = -1;
    private long commitSequence;
    private bool loaded;
    private bool processing;
    private bool appliedSincePublish;
    private bool unsettled;

    // Streamiz's TransformerBuilder builds a throw-away instance with this constructor, then one per task.
    public MovieProcessor()
    {
        options = null!;
        movies = null!;
        storeName = "";
    }

    public MovieProcessor(ProcessorOptions options, SharedMovieState movies, string storeName)
    {
        this.options = options;
        this.movies = movies;
        this.storeName = storeName;
    }

    public void Init(ProcessorContext<string, Routed> processorContext)
    {
        if (options is null) throw new InvalidOperationException("a movie processor needs its options: build it through ScoringTopology");
        context = processorContext;
        store = (IKeyValueStore<string, byte[]>)context.GetStateStore(storeName);
        if (store is FlushHookedStore hooked) hooked.BeforeFlush = Persist;
        var partition = context.Id.Partition;
        rows = new CollectiveState(options.Model.Settings, options.NeighbourStaleness, options.TimelineRetentionDays,
            owns: movie => CollectiveBatch.PartitionOf(movie, options.Partitions) == partition,
            countOf: CountOf);
        options.Restoration?.Begin(storeName, partition);
        context.Schedule(options.ProfileInterval, PunctuationType.PROCESSING_TIME, Publish);
    }

    public Record<string, Routed> Process(Record<string, byte[]> record)
    {
        processing = true; // Streamiz processes records only for a task whose stores are restored
        Load();
        appliedSincePublish = unsettled = true;
        try { Apply(CollectiveBatch.Decode(record.Value)); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A batch that cannot be read or applied costs a dead letter, never the partition: a throw would stop the
            // stream thread, and the restarted task would meet the same batch again. The updates before the failing one
            // stay applied (their cells are marked for the next write).
            var origin = new EventOrigin(record.TopicPartitionOffset?.Topic ?? "", record.TopicPartitionOffset?.Partition.Value ?? -1, record.TopicPartitionOffset?.Offset.Value ?? -1);
            context.Forward(TopicNamesOf.DeadLetter, DeadLetter.For(e, "movie", origin, Encoding.UTF8.GetBytes(record.Key ?? ""), record.Value));
        }
        // A store without the flush hook gets every batch's changes at once.
        if (store is not FlushHookedStore) Persist();
        return null!;
    }

    private void Apply(CollectiveBatch batch)
    {
        var last = watermarks.TryGetValue(batch.SourcePartition, out var w) ? w : (-1L, -1);
        foreach (var update in batch.Updates)
        {
            var identity = (update.EventOffset, update.Index);
            if (identity.CompareTo(last) <= 0)
            {
                movies.CountDuplicateSkipped();
                continue;
            }
            rows.Apply(update.AsModelUpdate());
            MarkDirty(update);
            last = identity;
            watermarks[batch.SourcePartition] = last;
            dirtyWatermarks.Add(batch.SourcePartition);
        }
    }

    /// <summary>The cells an update changed in owned rows: what <see cref="CollectiveState.Apply"/> touches.</summary>
    private void MarkDirty(CoAttendanceUpdate update)
    {
        var movie = update.MovieId;
        var followWindow = options.Model.Settings.FollowWindow;
        if (rows.Owns(movie))
        {
            dirtyHeaders.Add(movie);
            unpublished.Add(movie);
            foreach (var other in update.Before) if (other != movie) DirtyCell('c', movie, other);
            foreach (var other in update.After) if (other != movie) DirtyCell('c', movie, other);
            for (var gap = 1; gap <= followWindow && gap <= update.After.Length; gap++)
                if (update.After[gap - 1] != movie) DirtyCell('f', movie, update.After[gap - 1]);
        }
        foreach (var other in update.Before.Concat(update.After))
        {
            if (other == movie || !rows.Owns(other)) continue;
            DirtyCell('c', other, movie);
            Touched(other);
        }
        for (var gap = 1; gap <= followWindow && gap <= update.Before.Length; gap++)
        {
            var earlier = update.Before[^gap];
            if (!rows.Owns(earlier)) continue;
            if (earlier != movie) DirtyCell('f', earlier, movie);
            // The pairs across the movie, which it moved one gap apart or closer.
            for (var gapAfter = 1; gap + gapAfter - 1 <= followWindow && gapAfter <= update.After.Length; gapAfter++)
                if (update.After[gapAfter - 1] != earlier) DirtyCell('f', earlier, update.After[gapAfter - 1]);
            Touched(earlier);
        }
    }

    private void DirtyCell(char kind, int movie, int other) => dirtyBlocks.Add((kind, movie, MovieStoreLayout.BlockOf(other)));

    // A pair cell alone changes what readers see only once the row's neighbour lists are due for a rebuild.
    private void Touched(int movie)
    {
        if (rows.NeighboursStale(movie)) unpublished.Add(movie);
    }

    // What the batches since the last commit changed goes to the store right before the commit (the store's flush hook),
    // in one write batch: a member with a long history changes hundreds of cells per ticket, the same cells change in
    // many batches, and RocksDB's cost is per write, not per cell (a null value deletes a block left without cells). The watermarks go
    // with the cells, behind a redo copy of the whole commit (MovieStoreCommit), so after a crash, even one in the middle
    // of the commit's changelog writes, the replayed batches are exactly those whose changes the store lacks.
    private void Persist()
    {
        if (dirtyHeaders.Count == 0 && dirtyBlocks.Count == 0 && dirtyWatermarks.Count == 0 && legacyCells.Count == 0) return;
        var writes = new List<KeyValuePair<string, byte[]?>>(dirtyHeaders.Count + dirtyBlocks.Count + dirtyWatermarks.Count + legacyCells.Count);
        foreach (var movie in dirtyHeaders) writes.Add(KeyValuePair.Create(MovieStoreLayout.HeaderKey(movie), (byte[]?)MovieRowCodec.EncodeHeader(rows.Row(movie)!)));
        foreach (var (kind, movie, block) in dirtyBlocks)
        {
            var row = rows.Row(movie)!;
            writes.Add(KeyValuePair.Create(MovieStoreLayout.BlockKey(kind, movie, block), MovieStoreLayout.EncodeBlock(kind == 'c' ? row.CoAttendance : row.Follow, block)));
        }
        foreach (var partition in dirtyWatermarks)
        {
            var (offset, index) = watermarks[partition];
            writes.Add(KeyValuePair.Create(MovieStoreLayout.WatermarkKey(partition), (byte[]?)MovieRowCodec.EncodeWatermark(offset, index)));
        }
        foreach (var key in legacyCells) writes.Add(KeyValuePair.Create(key, (byte[]?)null));
        store.PutAll(MovieStoreCommit.Writes(++commitSequence, writes).Select(w => KeyValuePair.Create(w.Key, w.Value!)));
        dirtyHeaders.Clear();
        dirtyBlocks.Clear();
        dirtyWatermarks.Clear();
        legacyCells.Clear();
    }

    private void Publish(long wallClockMs)
    {
        if (!processing && options.Restoration is { } restoration && !restoration.IsRestored(storeName, context.Id.Partition)) return;
        Load();
        var countsVersion = movies.CountsVersion;
        var idle = !appliedSincePublish;
        appliedSincePublish = false;
        if (countsVersion != countsVersionSeen)
        {
            countsVersionSeen = countsVersion;
            unsettled = true;
            tableCounts = movies.Counts();
            // Exact lists (staleness 0) follow every change of the counts they are normalised by.
            if (options.NeighbourStaleness == 0)
            {
                rows.InvalidateNeighbours();
                foreach (var movie in rows.MovieIds()) unpublished.Add(movie);
            }
        }
        if (idle && unsettled)
        {
            // No batch since the last publish: the lists the staleness let lag are rebuilt once, so a quiet stream
            // publishes what staleness 0 would (the approximation lasts only while rows keep changing).
            unsettled = false;
            rows.InvalidateNeighbours();
            foreach (var movie in rows.MovieIds()) unpublished.Add(movie);
        }
        if (unpublished.Count == 0) return;
        foreach (var movie in unpublished.Order().ToList())
        {
            if (rows.Profile(movie) is not { } profile) continue;
            var bytes = MovieProfileCodec.Encode(profile, wallClockMs);
            if (published.TryGetValue(movie, out var last) && MovieProfileCodec.SameProfile(last, bytes)) continue;
            published[movie] = bytes;
            context.Forward(TopicNamesOf.Profiles, new Routed(ProcessorTopics.MovieProfiles, Encoding.UTF8.GetBytes(Id(movie)), bytes));
        }
        unpublished.Clear();
    }

    private float CountOf(int movie) =>
        rows.Owns(movie) ? rows.Row(movie)?.Count ?? 0 : (uint)movie < (uint)tableCounts.Length ? tableCounts[movie] : 0;

    /// <summary>Rebuilds the owned rows from the store once, after Streamiz restored it; every row is then due for publishing.</summary>
    private void Load()
    {
        if (loaded) return;
        loaded = true;
        var (entries, sequence) = MovieStoreCommit.Recovered(store.All(), store.Get);
        commitSequence = sequence;
        var contents = MovieStoreLayout.Read(entries);
        var (headers, co, follow) = (contents.Headers, contents.CoAttendance, contents.Follow);
        foreach (var (partition, watermark) in contents.Watermarks) watermarks[partition] = watermark;
        // A store written a record per cell moves to blocks with the next commit: each such cell's block is written and the cell deleted.
        foreach (var (kind, movie, other, key) in contents.LegacyCells)
        {
            DirtyCell(kind, movie, other);
            legacyCells.Add(key);
        }
        foreach (var (movie, header) in headers)
        {
            var h = MovieRowCodec.DecodeHeader(header);
            rows.Restore(movie, h.Count, h.Version, h.AudienceCells, h.TimelineDays, h.TimelineTotals,
                co.GetValueOrDefault(movie) ?? [], follow.GetValueOrDefault(movie) ?? []);
            unpublished.Add(movie);
        }
        // Rows that only ever received pair cells (no attendance of their own yet) have no header.
        foreach (var movie in co.Keys.Concat(follow.Keys).Where(m => !headers.ContainsKey(m)).Distinct())
        {
            rows.Restore(movie, 0, 1, new float[Propensity.Members.AudienceCell.Count], [], [],
                co.GetValueOrDefault(movie) ?? [], follow.GetValueOrDefault(movie) ?? []);
            unpublished.Add(movie);
        }
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    public void Close() { }

    /// <summary>Keys Streamiz forwards under (the routed sink reads the topic from the value).</summary>
    private static class TopicNamesOf
    {
        public const string DeadLetter = Contracts.Topics.TopicNames.DeadLetter;
        public const string Profiles = ProcessorTopics.MovieProfiles;
    }
}
