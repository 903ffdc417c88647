using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using FsCheck;
using FsCheck.Fluent;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Sinks.Kafka;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Kafka;

/// <summary>
/// The score-record reader every consumer of the topic goes through: any bytes give a change every consumer can use
/// as it is, or a reason naming the record, and never an exception. Properties run with FsCheck (2,000 cases each).
/// </summary>
public sealed class ScoreRecordReadTests
{
    private static readonly TopicPartitionOffset Where = new(TopicNames.Scores, 3, 41);
    private static readonly FsCheck.Config Cases = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(2_000);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>What every consumer relies on when the reader says a record is valid.</summary>
    private static bool Usable(ScoreRecordRead read, string? key)
    {
        if ((read.Change is null) == (read.Problem is null)) return false; // exactly one of the two
        if (read.Change is not { } change) return read.Problem!.StartsWith(Where.ToString(), StringComparison.Ordinal);
        if (key is null || change.MemberId.ToString(System.Globalization.CultureInfo.InvariantCulture) != key.TrimStart('0').PadLeft(1, '0')) return false;
        if (change.Update is not { } update) return true;
        return update.Schema == ScoreUpdate.CurrentSchema && update.MemberId == change.MemberId
               && update.Version is >= 0 and < long.MaxValue && update.ModelVersion is not null && update.Source is not null
               && update.Scores is not null && update.Scores.All(s => double.IsFinite(s.Score) && s.Score is >= 0 and <= 1)
               && update.Scores.Select(s => s.MovieId).Distinct().Count() == update.Scores.Count;
    }

    private static bool ReadsSafely(byte[]? key, byte[]? value)
    {
        ScoreRecordRead read;
        try { read = ScoreRecords.Read(key, value, Where); }
        catch (Exception e) { throw new Xunit.Sdk.XunitException($"Read threw {e.GetType().Name}: {e.Message}"); }
        string? text;
        try { text = key is null ? null : new UTF8Encoding(false, true).GetString(key); }
        catch (DecoderFallbackException) { return read.Change is null && Usable(read, null); }
        return Usable(read, text);
    }

    [Fact]
    public void Any_key_and_value_bytes_give_a_usable_change_or_a_reason_never_an_exception()
    {
        var bytes = ArbMap.Default.GeneratorFor<byte[]>();
        var arb = Gen.Zip(bytes.OrNull(), bytes.OrNull()).ToArbitrary();
        Check.One(Cases, Prop.ForAll(arb, pair => ReadsSafely(pair.Item1, pair.Item2)));
    }

    [Fact]
    public void Any_json_shaped_like_a_score_update_gives_a_usable_change_or_a_reason()
    {
        var records = from key in KeyText() from json in ScoreUpdateShapedJson(key) select (Key: key, Value: json.ToJsonString());
        var valid = 0;
        Check.One(Cases, Prop.ForAll(records.ToArbitrary(), record =>
        {
            if (ScoreRecords.Read(Utf8(record.Key), Utf8(record.Value), Where).Change is not null) valid++;
            return ReadsSafely(Utf8(record.Key), Utf8(record.Value));
        }));
        // The generator must reach both sides of every check, or the property says little.
        Assert.InRange(valid, 50, 1_950);
    }

    [Fact]
    public void Valid_records_damaged_anywhere_give_a_usable_change_or_a_reason()
    {
        var damaged =
            from member in Gen.Choose(0, 5_000)
            from movies in Gen.Choose(0, 30)
            let value = ScoreRecords.Value(ScoreUpdates.For(member, 7, movies))
            from position in Gen.Choose(0, value.Length - 1)
            from replacement in ArbMap.Default.GeneratorFor<byte>()
            from kind in Gen.Choose(0, 2)
            select (Key: member.ToString(), Value: kind switch
            {
                0 => [.. value[..position], replacement, .. value[(position + 1)..]], // one byte changed
                1 => value[..position],                                                // cut short
                _ => [.. value[..position], replacement, .. value[position..]],      // one byte inserted
            });
        Check.One(Cases, Prop.ForAll(damaged.ToArbitrary(), record => ReadsSafely(Utf8(record.Key), record.Value)));
    }

    [Fact]
    public void Every_valid_update_reads_back_as_written()
    {
        var updates =
            from member in Gen.Choose(0, int.MaxValue)
            from version in Gen.Choose(0, int.MaxValue)
            from movies in Gen.Choose(0, 60)
            from band in Gen.Elements<string?>([null, .. AgeBands.All])
            select ScoreUpdates.For(member, (long)version << 20, movies, ageBand: band, gender: band is null ? null : "F");
        Check.One(Cases, Prop.ForAll(updates.ToArbitrary(), update =>
        {
            var read = ScoreRecords.Read(Utf8(ScoreRecords.Key(update.MemberId)), ScoreRecords.Value(update), Where);
            return read.Change?.Update is { } back && ScoreRecords.Value(back).AsSpan().SequenceEqual(ScoreRecords.Value(update));
        }));
    }

    [Theory]
    [InlineData("scores", "null", "scores is null")]
    [InlineData("scores", """[{"movie_id":4,"score":0.5,"seen":false},{"movie_id":4,"score":0.25,"seen":false}]""", "movie 4 is scored twice")]
    [InlineData("scores", """[{"movie_id":4,"score":1.5,"seen":false}]""", "movie 4 has score 1.5")]
    [InlineData("scores", """[{"movie_id":4,"score":-0.01,"seen":false}]""", "movie 4 has score -0.01")]
    [InlineData("scores", """[{"movie_id":4,"score":"NaN","seen":false}]""", "is not a ScoreUpdate")]
    [InlineData("scores", "[null]", "is not a ScoreUpdate")] // a movie's score is a value: JSON null is not one
    [InlineData("version", "-5", "version must be")]
    [InlineData("version", "9223372036854775807", "version must be")]
    [InlineData("source", "null", "source is null")]
    [InlineData("model_version", "null", "model_version is null")]
    [InlineData("schema", "2", "schema 2 is unknown")]
    public void A_score_update_no_consumer_could_use_is_rejected_naming_why(string field, string json, string reason)
    {
        var value = (JsonObject)JsonNode.Parse(ScoreRecords.Value(ScoreUpdates.For(12, 3)))!;
        value[field] = JsonNode.Parse(json);

        var read = ScoreRecords.Read(Utf8("12"), Utf8(value.ToJsonString()), Where);

        Assert.Null(read.Change);
        Assert.Contains(reason, read.Problem);
        Assert.StartsWith(Where.ToString(), read.Problem);
    }

    [Fact]
    public void A_tombstone_reads_as_a_deletion_and_a_huge_key_is_not_echoed_whole()
    {
        Assert.True(ScoreRecords.Read(Utf8("12"), null, Where).Change is { IsDelete: true, MemberId: 12 });
        var huge = ScoreRecords.Read(Utf8(new string('x', 100_000)), null, Where);
        Assert.True(huge.Problem!.Length < 500, huge.Problem);
    }

    private static Gen<string> KeyText() => Gen.Frequency(
        (8, Gen.Choose(0, 50).Select(n => n.ToString())),
        (1, Gen.Elements("", "-1", "007", "1e3", " 5", "99999999999999999999", "12a")));

    /// <summary>
    /// JSON objects shaped like a ScoreUpdate whose every field is usually right and otherwise missing, null, out of
    /// range or of another type, so that generated records land on both sides of every check.
    /// </summary>
    private static Gen<JsonObject> ScoreUpdateShapedJson(string key)
    {
        static Gen<JsonNode?> Node(Gen<JsonNode?> usual, params JsonNode?[] wrong) =>
            Gen.Frequency((12, usual), (1, Gen.Elements(wrong).Select(n => n?.DeepClone())));
        static Gen<JsonNode?> Value(JsonNode? usual, params JsonNode?[] wrong) => Node(Gen.Fresh(() => usual?.DeepClone()), wrong);
        var score = from movie in Gen.Choose(-2, 40)
                    from value in Node(Gen.Choose(0, 1_000).Select(n => (JsonNode?)(n / 1_000.0)), 1.5, -0.5, 1e308, 5e-324, "0.5", "NaN", null, true)
                    from seen in Value(false, true, null, "yes")
                    select (JsonNode?)new JsonObject { ["movie_id"] = movie, ["score"] = value, ["seen"] = seen };
        var scores = Node(Gen.Choose(0, 4).SelectMany(n => Gen.Frequency((30, score), (1, Gen.Constant<JsonNode?>(null))).ListOf(n))
            .Select(list => (JsonNode?)new JsonArray([.. list])), null, "[]", 3, new JsonObject());
        var fields = new (string Name, Gen<JsonNode?> Value)[]
        {
            ("schema", Value(1, 0, 2, -1, "1", null)),
            ("member_id", Node(Gen.Constant<JsonNode?>(long.TryParse(key, out var member) ? member : 0), -1, "5", 1.5, null, 51)),
            ("version", Node(Gen.Choose(0, int.MaxValue).Select(v => (JsonNode?)((long)v << 8)), -1, long.MaxValue, long.MinValue, 1.5, "3", null)),
            ("model_version", Value("m1", "", null, 7)),
            ("source", Value(new JsonObject { ["gtid"] = "0-1-5", ["ts_ms"] = 1_700_000_000_000 }, new JsonObject(), null, "s", new JsonObject { ["ts_ms"] = "x" })),
            ("computed_at_ms", Value(1_700_000_000_000, 0, -5, "x", null)),
            ("scores", scores),
            ("demographics", Value(null, new JsonObject { ["age_band"] = "25-34", ["gender"] = "F" }, new JsonObject { ["age_band"] = 4 }, "d")),
        };
        // Each field is present (with one of its values) or, now and then, left out.
        return fields.Aggregate(Gen.Constant(new List<(string, JsonNode?)>()), (gen, field) =>
            from list in gen
            from present in Gen.Frequency((30, Gen.Constant(true)), (1, Gen.Constant(false)))
            from value in field.Value
            select present ? [.. list, (field.Name, value)] : list)
            .Select(list =>
            {
                var json = new JsonObject();
                foreach (var (name, value) in list) json[name] = value;
                return json;
            });
    }
}
