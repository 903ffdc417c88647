using Insights.Api;
using Insights.Host.Observability;
using Insights.Sinks.Elasticsearch;
using Microsoft.Extensions.DependencyInjection;

namespace Insights.Host.Tests.Observability;

/// <summary>The api's /readyz: ready when its audience source answers a lookup, else the source's failure as the reason.</summary>
public sealed class ApiReadinessTests
{
    [Fact]
    public async Task Ready_when_the_audience_source_answers()
    {
        var reason = await ApiReadiness.SourceAnswers(With(new Source(null)), TestContext.Current.CancellationToken);

        Assert.Null(reason);
    }

    [Fact]
    public async Task Not_ready_with_the_sources_failure_when_it_does_not_answer()
    {
        var reason = await ApiReadiness.SourceAnswers(With(new Source(new ElasticsearchRequestException("Elasticsearch: connection refused"))),
            TestContext.Current.CancellationToken);

        Assert.Equal("the audience source does not answer: Elasticsearch: connection refused", reason);
    }

    private static ServiceProvider With(IAudienceSource source) => new ServiceCollection().AddSingleton(source).BuildServiceProvider();

    private sealed class Source(Exception? failure) : IAudienceSource
    {
        public Task<MemberPropensities?> MemberPropensitiesAsync(long memberId, CancellationToken ct) =>
            failure is null ? Task.FromResult<MemberPropensities?>(null) : Task.FromException<MemberPropensities?>(failure);
        public Task<AudiencePage> TopAudienceAsync(AudienceQuery query, CancellationToken ct) => throw new NotSupportedException();
        public Task<ScoreHistogram> HistogramAsync(int movieId, int bins, CancellationToken ct) => throw new NotSupportedException();
        public Task<CampaignSize> CampaignSizeAsync(AudienceQuery query, CancellationToken ct) => throw new NotSupportedException();
        public Task<AudienceTotal> AudienceTotalAsync(int movieId, CancellationToken ct) => throw new NotSupportedException();
    }
}
