using Insights.Contracts.Cinema;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Api;

/// <summary>
/// Samples every coming-soon movie's expected audience into the <see cref="AudienceTrend"/> once per
/// <see cref="ApiSettings.TrendSampleSeconds"/>, from whichever source answers the audience (the index or the topic view).
/// A failed sample is logged and the next one taken on time: the comparison then shows less history, never an error.
/// </summary>
public sealed class AudienceTrendSampler(IAudienceSource source, MovieDirectory movies, AudienceTrend trend, ApiFeeds feeds, ApiSettings settings,
    TimeProvider clock, ILogger<AudienceTrendSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.TrendSampleSeconds), clock);
        do
        {
            try { await SampleAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning("api: the expected audience sample failed ({Error}); the next one is due in {Seconds} s", e.Message, settings.TrendSampleSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Records each coming-soon movie's expected audience now, once the API has read its topics (a partial view would fake a rise).</summary>
    public async Task SampleAsync(CancellationToken ct)
    {
        if (!feeds.CaughtUp) return;
        foreach (var movie in movies.Candidates().Where(m => m.Status == MovieRow.ComingSoon))
        {
            var total = await source.AudienceTotalAsync(movie.MovieId, ct);
            trend.Record(movie.MovieId, clock.GetUtcNow(), total.ExpectedAttendance);
        }
    }
}
