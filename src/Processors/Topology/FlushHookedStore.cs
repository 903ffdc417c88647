using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.State.Enumerator;

namespace Insights.Processors.Topology;

/// <summary>
/// A persistent, logged key-value store that runs its processor's action before each flush. Streamiz flushes a task's
/// stores right before it commits the task's input offsets (then it flushes the producer, then it commits), so a
/// processor that keeps its changes in memory writes them here once per commit instead of once per record, and a commit
/// still never covers a change that exists only in memory.
/// </summary>
public sealed class FlushHookedStore(IKeyValueStore<string, byte[]> inner) : IKeyValueStore<string, byte[]>
{
    /// <summary>Runs at every flush, before the store's own; it may write to the store.</summary>
    public Action? BeforeFlush { get; set; }

    public static IStoreBuilder<IKeyValueStore<string, byte[]>> Builder(string name) => new HookedBuilder(name);

    public void Flush()
    {
        BeforeFlush?.Invoke();
        inner.Flush();
    }

    public string Name => inner.Name;
    public bool Persistent => inner.Persistent;
    public bool IsLocally => inner.IsLocally;
    public bool IsOpen => inner.IsOpen;
    public void Init(ProcessorContext context, IStateStore root) => inner.Init(context, root);
    public void Close() => inner.Close();
    public byte[] Get(string key) => inner.Get(key);
    public IKeyValueEnumerator<string, byte[]> Range(string from, string to) => inner.Range(from, to);
    public IKeyValueEnumerator<string, byte[]> ReverseRange(string from, string to) => inner.ReverseRange(from, to);
    public IEnumerable<KeyValuePair<string, byte[]>> All() => inner.All();
    public IEnumerable<KeyValuePair<string, byte[]>> ReverseAll() => inner.ReverseAll();
    public long ApproximateNumEntries() => inner.ApproximateNumEntries();
    public void Put(string key, byte[] value) => inner.Put(key, value);
    public byte[] PutIfAbsent(string key, byte[] value) => inner.PutIfAbsent(key, value);
    public void PutAll(IEnumerable<KeyValuePair<string, byte[]>> entries) => inner.PutAll(entries);
    public byte[] Delete(string key) => inner.Delete(key);

    private sealed class HookedBuilder(string name)
        : KeyValueStoreBuilder<string, byte[]>(new RocksDbFlushedOnClose(name), new StringSerDes(), new ByteArraySerDes())
    {
        public override IKeyValueStore<string, byte[]> Build(IStreamConfig config) => new FlushHookedStore(base.Build(config));
    }
}
