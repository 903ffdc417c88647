using Confluent.Kafka;
using Streamiz.Kafka.Net.Processors.Public;

namespace Insights.Processors.Topology;

/// <summary>
/// Last step before the sink: keys the record by its routed key and replaces the headers inherited from the
/// source record with the routed ones (none for scores and state, the reason and origin for dead letters).
/// </summary>
public sealed class HeaderStamp : ITransformer<string, Routed, byte[], Routed>
{
    public void Init(ProcessorContext<byte[], Routed> context) { }

    public Record<byte[], Routed> Process(Record<string, Routed> record) =>
        Record<byte[], Routed>.Create(record.Value.Key!, record.Value, record.Value.Headers ?? new Headers());

    public void Close() { }
}
