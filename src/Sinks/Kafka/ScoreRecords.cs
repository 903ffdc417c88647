using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Scores;

namespace Insights.Sinks.Kafka;

/// <summary>Reads and writes records of the scores topic: key = member id as a decimal string, value = ScoreUpdate JSON or null.</summary>
public static class ScoreRecords
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The change a raw record holds; any problem is an <see cref="InvalidDataException"/> naming the record.</summary>
    public static ScoreChange Parse(byte[]? key, byte[]? value, TopicPartitionOffset where)
    {
        string? text;
        try { text = key is null ? null : StrictUtf8.GetString(key); }
        catch (DecoderFallbackException) { throw new InvalidDataException($"{where}: key is not UTF-8 text, expected a member id"); }
        return Parse(text, value, where);
    }

    public static ScoreChange Parse(string? key, byte[]? value, TopicPartitionOffset where)
    {
        if (key is null || !long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var memberId))
            throw new InvalidDataException($"{where}: key '{key}' is not a member id (decimal digits)");
        if (value is null) return ScoreChange.Delete(memberId);
        ScoreUpdate? update;
        try { update = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.ScoreUpdate); }
        catch (JsonException e) { throw new InvalidDataException($"{where}: value is not a ScoreUpdate: {e.Message}", e); }
        if (update is null) throw new InvalidDataException($"{where}: value is JSON null, expected a ScoreUpdate or a tombstone");
        if (update.Schema != ScoreUpdate.CurrentSchema)
            throw new InvalidDataException($"{where}: ScoreUpdate schema {update.Schema} is unknown (this reader knows {ScoreUpdate.CurrentSchema})");
        if (update.MemberId != memberId)
            throw new InvalidDataException($"{where}: key says member {memberId}, value says member {update.MemberId}");
        return ScoreChange.Of(update);
    }

    public static string Key(long memberId) => memberId.ToString(CultureInfo.InvariantCulture);

    public static byte[] Value(ScoreUpdate update) => JsonSerializer.SerializeToUtf8Bytes(update, ContractsJsonContext.Default.ScoreUpdate);
}
