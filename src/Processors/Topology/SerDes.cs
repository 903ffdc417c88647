using Confluent.Kafka;
using Insights.Processors.Events;
using Streamiz.Kafka.Net.SerDes;

namespace Insights.Processors.Topology;

/// <summary>The member repartition topic's value format.</summary>
public sealed class MemberEventSerDes : AbstractSerDes<MemberEvent>
{
    public override byte[] Serialize(MemberEvent data, SerializationContext context) => MemberEventCodec.Encode(data);
    public override MemberEvent Deserialize(byte[] data, SerializationContext context) => MemberEventCodec.Decode(data);
}

/// <summary>Writes a routed record's value bytes as they are (null = tombstone). Routed records are only ever written.</summary>
public sealed class RoutedSerDes : AbstractSerDes<Routed>
{
    public override byte[] Serialize(Routed data, SerializationContext context) => data.Value!;
    public override Routed Deserialize(byte[] data, SerializationContext context) =>
        throw new NotSupportedException("routed records are written by the topology, never read back");
}
