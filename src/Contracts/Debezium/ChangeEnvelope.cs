using System.Text.Json;

namespace Insights.Contracts.Debezium;

/// <summary>
/// One Debezium change event value, parsed: the row images stay JSON so each table's row type reads them
/// with its own column encodings (see <see cref="RowReader"/>).
/// </summary>
public sealed record ChangeEnvelope(
    ChangeOperation Op,
    JsonElement? Before,
    JsonElement? After,
    SourceInfo Source,
    long TsMs,
    long? TsUs,
    long? TsNs)
{
    /// <summary>
    /// Parses a Kafka record value written by the JSON converter, with <c>schemas.enable=false</c> (the envelope
    /// itself) or true (<c>{"schema":..., "payload": envelope}</c>). Returns null for a tombstone (null or empty
    /// value, or a null payload). Anything else that is not an envelope throws a FormatException naming the problem.
    /// </summary>
    public static ChangeEnvelope? Parse(ReadOnlySpan<byte> value) => value.IsEmpty ? null : Parse(value.ToArray());

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    /// <remarks>Reads the array in place (a record value, copied once by the consumer already): it must not change meanwhile.</remarks>
    public static ChangeEnvelope? Parse(byte[] value) => Read(value, static change => change?.Detached());

    /// <summary>
    /// Parses like <see cref="Parse(byte[])"/> and hands the envelope (null for a tombstone) to <paramref name="read"/>,
    /// whose result is returned. The row images point into the parsed document, which goes back to its pool when read
    /// returns, so nothing is copied: the envelope must not be kept past the call. The processors read every change
    /// this way; copying both images was about a tenth of the byte arrays a worker allocated per ticket.
    /// </summary>
    public static T Read<T>(byte[] value, Func<ChangeEnvelope?, T> read)
    {
        if (value.Length == 0) return read(null);
        JsonDocument document;
        try { document = JsonDocument.Parse(value.AsMemory()); }
        catch (JsonException e) { throw new FormatException($"change event is not JSON: {e.Message}", e); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null) return read(null);
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"change event must be a JSON object, got {root.ValueKind}");
            if (root.TryGetProperty("payload", out var payload) && root.TryGetProperty("schema", out _))
            {
                if (payload.ValueKind == JsonValueKind.Null) return read(null);
                root = payload;
            }
            return read(FromPayload(root));
        }
    }

    /// <summary>This envelope with its row images copied out of the parsed document, to keep.</summary>
    private ChangeEnvelope Detached() => this with { Before = Before?.Clone(), After = After?.Clone() };

    public static ChangeEnvelope? Parse(string value) => Parse(System.Text.Encoding.UTF8.GetBytes(value));

    private static ChangeEnvelope FromPayload(JsonElement payload)
    {
        if (!payload.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String)
            throw new FormatException("change event has no 'op' string");
        if (!payload.TryGetProperty("source", out var sourceJson) || sourceJson.ValueKind != JsonValueKind.Object)
            throw new FormatException("change event has no 'source' object");
        SourceInfo source;
        try
        {
            source = sourceJson.Deserialize(ContractsJsonContext.Default.SourceInfo)
                     ?? throw new FormatException("change event 'source' is null");
        }
        catch (JsonException e) { throw new FormatException($"change event 'source' is invalid: {e.Message}", e); }
        var operation = ChangeOperationCodes.Parse(op.GetString());
        var before = Image(payload, "before");
        var after = Image(payload, "after");
        if (operation is ChangeOperation.Create or ChangeOperation.Read or ChangeOperation.Update && after is null)
            throw new FormatException($"change event with op '{op.GetString()}' has no 'after' row");
        if (operation is ChangeOperation.Delete && before is null)
            throw new FormatException("delete event has no 'before' row");
        return new ChangeEnvelope(operation, before, after, source,
            Number(payload, "ts_ms") ?? throw new FormatException("change event has no 'ts_ms'"),
            Number(payload, "ts_us"), Number(payload, "ts_ns"));
    }

    private static JsonElement? Image(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var image) && image.ValueKind == JsonValueKind.Object ? image : null;

    private static long? Number(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    /// <summary>The row image that describes the row now: after, or before for a delete.</summary>
    public JsonElement Row => After ?? Before ?? throw new InvalidOperationException("change event without a row image");
}
