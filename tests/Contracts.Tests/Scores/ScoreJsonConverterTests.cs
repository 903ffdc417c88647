using System.Text;
using System.Text.Json;
using Insights.Contracts.Scores;

namespace Insights.Contracts.Tests.Scores;

public sealed class ScoreJsonConverterTests
{
    [Fact]
    public void A_score_rounded_to_6_decimals_is_written_as_the_writer_writes_it()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 20_000).Select(_ => Math.Round(random.NextDouble(), 6))
            .Concat([0.0001, 0.000123, 0.5, 0.1, 0.12, 0.999999, 1.0, 2.5, 123456.000001, -0.25, -0.000104, 0.0]);

        foreach (var value in values)
            Assert.Equal(WrittenByWriter(value), WrittenByConverter(value));
    }

    [Theory]
    [InlineData(0.1234567)]
    [InlineData(0.00005)]
    [InlineData(0.000001)]
    [InlineData(1e12)]
    [InlineData(double.Epsilon)]
    [InlineData(1.0 / 3)]
    public void A_value_the_fast_form_cannot_write_exactly_goes_through_the_writer(double value)
    {
        Assert.Equal(WrittenByWriter(value), WrittenByConverter(value));
    }

    [Fact]
    public void A_score_update_reads_back_with_its_scores()
    {
        var update = new ScoreUpdate
        {
            MemberId = 7, Version = 3, ModelVersion = "m1", ComputedAtMs = 1,
            Source = new SourcePosition { Gtid = "0-1-9", TsMs = 5 },
            Scores = [new MovieScore(1, 0.345678, false), new MovieScore(2, 0.00001, true), new MovieScore(3, 1, false)],
        };

        var json = JsonSerializer.SerializeToUtf8Bytes(update, ContractsJsonContext.Default.ScoreUpdate);

        Assert.Contains("""{"movie_id":1,"score":0.345678,"seen":false},{"movie_id":2,"score":1E-05,"seen":true},{"movie_id":3,"score":1,"seen":false}""",
            Encoding.UTF8.GetString(json));
        Assert.Equal(update.Scores, JsonSerializer.Deserialize(json, ContractsJsonContext.Default.ScoreUpdate)!.Scores);
    }

    private static string WrittenByWriter(double value) => Written(w => w.WriteNumberValue(value));

    private static string WrittenByConverter(double value) => Written(w => new ScoreJsonConverter().Write(w, value, JsonSerializerOptions.Default));

    private static string Written(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            write(writer);
            write(writer);
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
