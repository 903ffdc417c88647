using Insights.Sinks.Elasticsearch;

namespace Insights.Sinks.Tests.Elasticsearch;

public sealed class ElasticsearchSettingsTests
{
    [Fact]
    public void The_defaults_are_usable_and_name_the_versioned_index()
    {
        var settings = new ElasticsearchSettings();
        Assert.Null(settings.Problem());
        Assert.True(settings.Enabled);
        Assert.Equal("insights-scores-v1", settings.IndexName);
    }

    [Theory]
    [InlineData("Url", "ftp://x")]
    [InlineData("Alias", "Scores")]
    [InlineData("IndexVersion", "0")]
    [InlineData("BulkMaxDocuments", "0")]
    [InlineData("BulkMaxWaitMs", "0")]
    [InlineData("RetryMaxDelayMs", "1")]
    [InlineData("RequestTimeoutMs", "5")]
    public void A_bad_value_is_reported_naming_its_key(string key, string value)
    {
        var settings = key switch
        {
            "Url" => new ElasticsearchSettings { Url = value },
            "Alias" => new ElasticsearchSettings { Alias = value },
            "IndexVersion" => new ElasticsearchSettings { IndexVersion = int.Parse(value) },
            "BulkMaxDocuments" => new ElasticsearchSettings { BulkMaxDocuments = int.Parse(value) },
            "BulkMaxWaitMs" => new ElasticsearchSettings { BulkMaxWaitMs = int.Parse(value) },
            "RetryMaxDelayMs" => new ElasticsearchSettings { RetryMaxDelayMs = int.Parse(value) },
            _ => new ElasticsearchSettings { RequestTimeoutMs = int.Parse(value) },
        };
        Assert.StartsWith($"Elasticsearch:{key} ", settings.Problem());
    }
}
