using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Scores;

namespace Insights.Sinks.Kafka;

/// <summary>Reads and writes records of the scores topic: key = member id as a decimal string, value = ScoreUpdate JSON or null.</summary>
public static class ScoreRecords
{
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
