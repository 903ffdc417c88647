using System.Text;
using Confluent.Kafka;

namespace Insights.Contracts.Topics;

/// <summary>
/// A dead letter must itself fit in one record: the key and value whole when they do, else the value's start (and, for a
/// key over half the room, the key's), with a note of what was cut for <see cref="DeadLetterHeaders.Truncated"/>.
/// </summary>
public static class DeadLetterFit
{
    /// <summary>librdkafka's default message.max.bytes, which every producer of dead letters keeps.</summary>
    public const int MessageMaxBytes = 1_000_000;

    // Record batch, record and header framing a dead letter adds to its key, value and header bytes.
    private const int FramingBytes = 1_024;

    public static (byte[]? Key, byte[]? Value, string? Truncation) Fit(byte[]? key, byte[]? value, Headers headers)
    {
        var room = Math.Max(0, MessageMaxBytes - FramingBytes - Size(headers));
        var keyLength = key?.Length ?? 0;
        var valueLength = value?.Length ?? 0;
        if (keyLength + valueLength <= room) return (key, value, null);
        var keptKey = Math.Min(keyLength, room / 2);
        var keptValue = Math.Min(valueLength, room - keptKey);
        var cuts = new List<string>();
        if (keptKey < keyLength) cuts.Add($"key {keyLength} bytes, first {keptKey} kept");
        if (keptValue < valueLength) cuts.Add($"value {valueLength} bytes, first {keptValue} kept");
        return (key?[..keptKey], value?[..keptValue], string.Join("; ", cuts));
    }

    public static int Size(Headers? headers) => headers?.Sum(h => Encoding.UTF8.GetByteCount(h.Key) + (h.GetValueBytes()?.Length ?? 0)) ?? 0;
}
