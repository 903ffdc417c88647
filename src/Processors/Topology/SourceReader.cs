using Insights.Processors.DeadLetters;
using Insights.Processors.Events;
using Streamiz.Kafka.Net.Processors.Public;

namespace Insights.Processors.Topology;

/// <summary>
/// Reads raw CDC records with a parse function of the key, value and origin. A tombstone (null parse result) is dropped; any exception
/// becomes a dead letter carrying the original key, value, reason and origin, and the stream goes on.
/// </summary>
public sealed class SourceReader<T> : ITransformer<byte[], byte[], string, Parsed<T>>
    where T : class
{
    private readonly Func<byte[]?, byte[]?, EventOrigin, (string Key, T Value)?> read;

    // Streamiz's TransformerBuilder builds a throw-away instance with this constructor, then one per task
    // with the parameters given to it.
    public SourceReader() => read = (_, _, _) => throw new InvalidOperationException("a source reader needs its parse function: build it through ScoringTopology");

    public SourceReader(Func<byte[]?, byte[]?, EventOrigin, (string Key, T Value)?> read) => this.read = read;

    public void Init(ProcessorContext<string, Parsed<T>> context) { }

    public Record<string, Parsed<T>> Process(Record<byte[], byte[]> record)
    {
        var origin = Origin(record);
        Telemetry.ProcessorMetrics.EventRead(origin.Topic);
        try
        {
            return read(record.Key, record.Value, origin) is { } parsed ? Record<string, Parsed<T>>.Create(parsed.Key, new Parsed<T>(parsed.Value, null)) : null!;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            return Record<string, Parsed<T>>.Create("", new Parsed<T>(null, DeadLetter.For(e, "parse", origin, record.Key, record.Value)));
        }
    }

    public static EventOrigin Origin<TK, TV>(Record<TK, TV> record)
    {
        var position = record.TopicPartitionOffset;
        return position is null ? new EventOrigin("", -1, -1) : new EventOrigin(position.Topic, position.Partition.Value, position.Offset.Value);
    }

    public void Close() { }
}
