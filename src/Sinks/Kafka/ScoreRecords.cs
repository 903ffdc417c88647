using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Scores;

namespace Insights.Sinks.Kafka;

/// <summary>
/// Reads and writes records of the scores topic: key = member id as a decimal string, value = ScoreUpdate JSON or
/// null (tombstone). Every reader of the topic (the sink, the API's view, snapshots) reads through
/// <see cref="Read(byte[], byte[], TopicPartitionOffset)"/>, which never throws: any bytes give either a change
/// every consumer can use as it is, or the reason they cannot, so one bad record is dead-lettered or skipped and
/// never stops a loop.
/// </summary>
public static class ScoreRecords
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ScoreRecordRead Read(byte[]? key, byte[]? value, TopicPartitionOffset where)
    {
        string? text;
        try { text = key is null ? null : StrictUtf8.GetString(key); }
        catch (DecoderFallbackException) { return ScoreRecordRead.Rejected($"{where}: key is not UTF-8 text, expected a member id"); }
        return Read(text, value, where);
    }

    public static ScoreRecordRead Read(string? key, byte[]? value, TopicPartitionOffset where)
    {
        if (key is null || !long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var memberId))
            return ScoreRecordRead.Rejected($"{where}: key '{Shortened(key)}' is not a member id (decimal digits)");
        if (value is null) return ScoreRecordRead.Valid(ScoreChange.Delete(memberId));
        ScoreUpdate? update;
        try { update = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.ScoreUpdate); }
        catch (JsonException e) { return ScoreRecordRead.Rejected($"{where}: value is not a ScoreUpdate: {e.Message}"); }
        if (update is null) return ScoreRecordRead.Rejected($"{where}: value is JSON null, expected a ScoreUpdate or a tombstone");
        if (update.Schema != ScoreUpdate.CurrentSchema)
            return ScoreRecordRead.Rejected($"{where}: ScoreUpdate schema {update.Schema} is unknown (this reader knows {ScoreUpdate.CurrentSchema})");
        if (update.MemberId != memberId)
            return ScoreRecordRead.Rejected($"{where}: key says member {memberId}, value says member {update.MemberId}");
        return Problem(update) is { } problem
            ? ScoreRecordRead.Rejected($"{where}: member {memberId} version {update.Version}: {problem}")
            : ScoreRecordRead.Valid(ScoreChange.Of(update));
    }

    /// <summary>
    /// What makes a well-formed ScoreUpdate unusable downstream, or null. JSON alone lets through an explicit null
    /// where the contract has none, and values no consumer can take: each check below names what it would break.
    /// </summary>
    public static string? Problem(ScoreUpdate update)
    {
        // Elasticsearch refuses negative external versions (the whole bulk fails), and a deletion marker is written
        // at the member's version + 1, which must still be a valid version.
        if (update.Version is < 0 or long.MaxValue) return $"version must be 0..{long.MaxValue - 1}";
        if (update.ModelVersion is null) return "model_version is null";
        if (update.Source is null) return "source is null"; // latency metrics and /stats read Source.TsMs
        if (update.Scores is null) return "scores is null, expected a list (empty when there are no candidates)";
        var movies = new HashSet<int>();
        foreach (var score in update.Scores)
        {
            // A score is a calibrated probability; NaN, infinities and values outside [0, 1] are a producer's bug,
            // and a NaN sorts inconsistently and cannot be written to JSON.
            if (!double.IsFinite(score.Score) || score.Score is < 0 or > 1)
                return $"movie {score.MovieId} has score {score.Score.ToString(CultureInfo.InvariantCulture)}, expected 0..1";
            // The audience field holds one feature per movie: Elasticsearch refuses a document with two.
            if (!movies.Add(score.MovieId)) return $"movie {score.MovieId} is scored twice";
        }
        return null;
    }

    public static string Key(long memberId) => memberId.ToString(CultureInfo.InvariantCulture);

    public static byte[] Value(ScoreUpdate update) => JsonSerializer.SerializeToUtf8Bytes(update, ContractsJsonContext.Default.ScoreUpdate);

    // A key is echoed into logs and dead-letter headers: a megabyte of garbage must not be.
    private static string? Shortened(string? text) => text is { Length: > 64 } ? text[..64] + "..." : text;
}

/// <summary>One record as read: the change it holds (<see cref="Change"/>), or why it is not a valid score record (<see cref="Problem"/>).</summary>
public readonly record struct ScoreRecordRead
{
    private ScoreRecordRead(ScoreChange? change, string? problem) => (Change, Problem) = (change, problem);

    public ScoreChange? Change { get; }
    public string? Problem { get; }

    public static ScoreRecordRead Valid(ScoreChange change) => new(change, null);
    public static ScoreRecordRead Rejected(string problem) => new(null, problem);
}
