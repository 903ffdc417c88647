using Insights.Sinks.Api;

namespace Insights.Sinks.Tests.Api;

public sealed class ApiSettingsTests
{
    [Fact]
    public void The_defaults_are_usable_and_answer_from_elasticsearch()
    {
        var settings = new ApiSettings();

        Assert.Null(settings.Problem());
        Assert.False(settings.FromTopic);
        Assert.Equal(("insights.propensity.scores", "cdc.cinema.movies"), (settings.ScoresTopic, settings.MoviesTopic));
    }

    [Theory]
    [InlineData("scores", "Api:Source")]
    [InlineData("Elasticsearch", "Api:Source")]
    public void An_unknown_source_names_the_key_and_the_choices(string source, string key)
    {
        var problem = new ApiSettings { Source = source }.Problem();

        Assert.StartsWith(key, problem);
        Assert.Contains("elasticsearch or scores-topic", problem);
    }

    [Fact]
    public void A_stats_window_out_of_range_names_the_key()
    {
        Assert.StartsWith("Api:StatsWindowSeconds", new ApiSettings { StatsWindowSeconds = 5 }.Problem());
    }
}
