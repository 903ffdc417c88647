using Streamiz.Kafka.Net.State;

namespace Insights.Processors.Topology;

/// <summary>
/// Every entry of a string-keyed store in key order, read through a range whose iterator is closed once read. Streamiz
/// 1.8.2's cached store never closes the RocksDB iterator behind <c>All()</c>: each call pinned one, with the memtables
/// and files it holds, until the task closed (hundreds per task within minutes in `bench chaos`). Keys must be printable
/// ASCII, as every key of this project's stores is.
/// </summary>
public static class StoreEntries
{
    private const string First = "";
    private const string PastLast = "\u007f";

    public static List<KeyValuePair<string, byte[]>> Of(IKeyValueStore<string, byte[]> store)
    {
        var entries = new List<KeyValuePair<string, byte[]>>();
        using var range = store.Range(First, PastLast);
        while (range.MoveNext())
            if (range.Current is { } entry) entries.Add(entry);
        return entries;
    }

    /// <summary>The entry with the lowest key, or null when the store is empty.</summary>
    public static KeyValuePair<string, byte[]>? FirstOf(IKeyValueStore<string, byte[]> store)
    {
        using var range = store.Range(First, PastLast);
        return range.MoveNext() ? range.Current : null;
    }
}
