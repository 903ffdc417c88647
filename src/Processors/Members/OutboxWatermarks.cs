using Insights.Processors.Events;

namespace Insights.Processors.Members;

/// <summary>
/// Which of a member task's outbox changes went to the movie owners, per source (<see cref="EventLanes.Source"/>) as
/// the newest identity offset: a task applies each source's events in rising identity order and every flush sends
/// everything applied so far, so a change is sent once its offset is at or below the source's forwarded mark, and
/// delivered once it is at or below the mark of the last commit (whose producer flush delivered every batch forwarded
/// before it). A delivered change is dropped from a member's outbox whenever the record is written anyway, instead of
/// rewriting every record once more after each commit.
///
/// After a restart only the store is left: each commit writes, under <see cref="Key"/>, the marks the commit before it
/// delivered (never its own, which it has not delivered yet: a kill during its producer flush could keep the mark and
/// lose a batch). A restored task skips changes at or below them and sends the rest again, which the movie owners
/// skip by identity as they did before. Where a commit is a transaction (exactly once), the marks and the batches
/// commit together or not at all, so a commit writes its own marks and a restart sends nothing twice.
/// </summary>
public sealed class OutboxWatermarks(bool transactionalCommits)
{
    /// <summary>The member store's key of the delivered marks; member keys are decimal digits, so it names no member.</summary>
    public const string Key = "~outbox-delivered";

    private Dictionary<int, long> forwarded = [];
    private readonly Dictionary<int, long> sendingNow = [];
    private Dictionary<int, long> delivered = [];
    private Dictionary<int, long> written = [];

    /// <summary>Starts from the marks stored under <see cref="Key"/> (null in a new store): the task's first flush sends what is above them.</summary>
    public void Restore(byte[]? stored)
    {
        var marks = stored is null ? [] : Decode(stored);
        forwarded = new(marks);
        delivered = new(marks);
        written = new(marks);
        sendingNow.Clear();
    }

    /// <summary>The change with this identity offset went out in an earlier flush.</summary>
    public bool Forwarded(int source, long offset) => forwarded.TryGetValue(source, out var mark) && offset <= mark;

    /// <summary>The change with this identity offset went out before the last commit, so that commit delivered it.</summary>
    public bool Delivered(int source, long offset) => delivered.TryGetValue(source, out var mark) && offset <= mark;

    /// <summary>A change is forwarded in the current flush; it counts as forwarded once the flush ends.</summary>
    public void Sending(int source, long offset)
    {
        if (!sendingNow.TryGetValue(source, out var mark) || offset > mark) sendingNow[source] = offset;
    }

    /// <summary>The flush forwarded all it was sending.</summary>
    public void FlushEnded()
    {
        foreach (var (source, offset) in sendingNow)
            if (!forwarded.TryGetValue(source, out var mark) || offset > mark) forwarded[source] = offset;
        sendingNow.Clear();
    }

    /// <summary>
    /// Runs in a commit, before the stores flush: takes everything forwarded so far as what this commit delivers, and
    /// returns what the previous commit delivered (this one's, with transactional commits), to be stored under
    /// <see cref="Key"/> (null when the stored marks are that already).
    /// </summary>
    public byte[]? Committing()
    {
        var stored = transactionalCommits ? forwarded : delivered;
        byte[]? write = null;
        if (!Same(stored, written))
        {
            write = Encode(stored);
            written = new(stored);
        }
        delivered = new(forwarded);
        return write;
    }

    private static bool Same(Dictionary<int, long> a, Dictionary<int, long> b) =>
        a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out var other) && other == entry.Value);

    public static byte[] Encode(IReadOnlyDictionary<int, long> marks) => BinaryFields.Encode(marks, static (w, m) =>
    {
        w.Write7BitEncodedInt(m.Count);
        foreach (var (source, offset) in m.OrderBy(entry => entry.Key))
        {
            w.Write7BitEncodedInt(source);
            w.Write(offset);
        }
    });

    public static Dictionary<int, long> Decode(byte[] bytes) => BinaryFields.Decode(bytes, "outbox watermarks", r =>
    {
        var count = r.Read7BitEncodedInt();
        if (count < 0 || count > bytes.Length) throw new FormatException($"outbox watermarks claim {count} sources");
        var marks = new Dictionary<int, long>(count);
        for (var i = 0; i < count; i++) marks[r.Read7BitEncodedInt()] = r.ReadInt64();
        return marks;
    });
}
