using System.Globalization;
using System.Text.Json;
using Insights.Api.Access;
using Insights.Contracts.Configuration;
using Insights.Contracts.Scores;
using Insights.Sinks.Elasticsearch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Insights.Api;

/// <summary>
/// The audience query service: `GET /movies/{id}/audience`, `GET /members/{id}/propensities` and
/// `GET /movies/{id}/histogram` from the configured <see cref="IAudienceSource"/>; `GET /movies` and
/// `GET /stats` from the topics it follows; the explorer page at `/`; the OpenAPI document at `/openapi/v1.json`.
/// The data routes need a signed-in caller with the route's scope (<see cref="ApiAccess"/>); the page and the OpenAPI
/// document are open, so a user can load the page and sign in.
/// </summary>
public static class AudienceApi
{
    public const int DefaultTop = 100;
    public const int DefaultStatsSeconds = 60;

    /// <summary>How far back the coming-soon comparison's momentum can look.</summary>
    public static readonly TimeSpan TrendKept = TimeSpan.FromDays(1);

    /// <summary>The Elasticsearch source without topics: the audience endpoints only (`/movies` and `/stats` answer 503).</summary>
    public static IServiceCollection AddAudienceApi(this IServiceCollection services, ApiSettings api, ElasticsearchSettings settings) =>
        services.AddAudienceApi(api, settings, kafka: null);

    /// <summary>
    /// Registers JSON (source-generated, snake_case), OpenAPI, the audience source <paramref name="api"/> names,
    /// and, when <paramref name="kafka"/> is given, the topic feeds (required for the scores-topic source); `GET /model`
    /// describes <paramref name="model"/>, the model the workers score with, when the process could read it.
    /// </summary>
    public static IServiceCollection AddAudienceApi(this IServiceCollection services, ApiSettings api, ElasticsearchSettings elasticsearch, KafkaSettings? kafka,
        ModelCard? model = null)
    {
        if (api.Problem() is { } problem) throw new ArgumentException(problem, nameof(api));
        if (api.FromTopic && kafka is null) throw new ArgumentException($"{ApiSettings.Section}:Source={ApiSettings.ScoresTopicSource} needs the Kafka settings", nameof(kafka));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, AudienceJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, ApiJsonContext.Default);
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        services.AddOpenApi();
        services.AddApiAccess(api);
        services.AddSingleton<ApiAudit>();
        services.AddSingleton(api);
        if (model is not null) services.AddSingleton(model);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new AudienceTrend(TrendKept));
        var stats = new ScoreStats(api.StatsWindowSeconds);
        var movies = new MovieDirectory();
        services.AddSingleton(stats);
        services.AddSingleton(movies);
        if (api.FromTopic)
        {
            var view = new TopicAudienceView();
            services.AddSingleton(view);
            services.AddSingleton<IAudienceSource>(view);
        }
        else
        {
            services.AddSingleton(elasticsearch);
            services.AddSingleton(_ => elasticsearch.CreateClient());
            services.AddSingleton<AudienceQueries>();
            services.AddSingleton<ElasticsearchHistogram>();
            services.AddSingleton<ElasticsearchCampaignSize>();
            services.AddSingleton<IAudienceSource, ElasticsearchAudienceSource>();
        }
        if (kafka is not null)
        {
            services.AddSingleton(sp => new ApiFeeds(kafka, api, stats, movies,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ApiFeeds>>(), sp.GetService<TopicAudienceView>()));
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ApiFeeds>());
            // The coming-soon titles come from the movies topic: without it there is nothing to sample.
            services.AddHostedService<AudienceTrendSampler>();
        }
        return services;
    }

    /// <summary>
    /// Maps the API's routes, answering only on <paramref name="hosts"/> (`*:8080`) when given: the role's health and
    /// metrics then live on a port of their own, which the API's callers cannot reach through it.
    /// </summary>
    public static WebApplication MapAudienceApi(this WebApplication app, params string[] hosts)
    {
        app.UseApiAccess();
        IEndpointRouteBuilder routes = hosts.Length == 0 ? app : app.MapGroup("").RequireHost(hosts);
        routes.MapOpenApi();
        routes.MapExplorerPage();
        routes.MapGet("/movies/{id:int}/audience", TopAudience)
            .WithName("TopAudience")
            .WithSummary("The members most likely to see the movie, best first (members who saw it excluded), a page of at most " +
                "1,000; `next` reads the following page (pass it as `after`), null after the last.")
            .Produces<AudienceAnswer>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status502BadGateway)
            .ForScope(ApiScopes.AudienceRead);
        routes.MapGet("/movies/{id:int}/audience.csv", ExportAudience)
            .WithName("ExportAudience")
            .WithSummary("The whole audience as CSV (member_id, score, age_band, gender), best first, read page by page; same filters.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status502BadGateway)
            .ForScope(ApiScopes.AudienceRead);
        routes.MapGet("/movies/{id:int}/audience/summary", AudienceSummary)
            .WithName("CampaignSize")
            .WithSummary("What targeting the best `top` members of the filtered audience brings: expected attendance (the sum of their " +
                "probabilities), share of the audience's expected total, lift over random targeting, their demographic mix, and the sizing curve.")
            .Produces<CampaignSize>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status501NotImplemented)
            .ForScope(ApiScopes.AudienceRead);
        routes.MapGet("/members/{id:long}/propensities", MemberPropensities)
            .WithName("MemberPropensities")
            .WithSummary("A member's score for every candidate movie, best first; seen movies say so.")
            .Produces<MemberPropensities>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status502BadGateway)
            .ForScope(ApiScopes.MemberRead);
        routes.MapGet("/movies/{id:int}/histogram", Histogram)
            .WithName("ScoreHistogram")
            .WithSummary("How the audience's scores spread over bins of a log scale of probability: the first bin holds scores below 0.01%, " +
                "the others split 0.01%..100% evenly in log10 (members who saw the movie excluded, each member counted once).")
            .Produces<ScoreHistogram>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status502BadGateway)
            .ForScope(ApiScopes.AudienceRead);
        routes.MapGet("/movies", Movies)
            .WithName("Movies")
            .WithSummary("Movies now showing or coming soon (id, title, status), from the movies CDC topic.")
            .Produces<MoviesAnswer>().ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ForScope(ApiScopes.AudienceRead);
        routes.MapGet("/movies/coming-soon", ComingSoon)
            .WithName("ComingSoonComparison")
            .WithSummary("The coming-soon titles side by side, most expected attendance first: audience size, expected attendance (the sum " +
                "of their probabilities, members who saw the title excluded) and momentum, its relative change over the last " +
                "`window_minutes` (null until the API has sampled that far back).")
            .Produces<ComingSoonComparison>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ForScope(ApiScopes.AudienceRead);
        routes.MapGet("/model", Model)
            .WithName("Model")
            .WithSummary("The model the workers score with: its version and training figures, among them the calibration of its " +
                "probabilities (`validation_ece` at `validation_base_rate`), which expected attendances rely on.")
            .Produces<ModelCard>().ProducesProblem(StatusCodes.Status404NotFound)
            .ForScope(ApiScopes.AudienceRead);
        routes.MapGet("/stats", Stats)
            .WithName("Stats")
            .WithSummary("Live score updates per second and their latency percentiles over the last N seconds.")
            .Produces<StatsAnswer>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ForScope(ApiScopes.AudienceRead);
        return app;
    }

    private static async Task<IResult> TopAudience(int id, IAudienceSource source, ApiAudit audit, HttpContext context, CancellationToken ct,
        [FromQuery] int? top, [FromQuery(Name = "min_score")] double? minScore, [FromQuery] string? age, [FromQuery] string? gender,
        [FromQuery] string? after)
    {
        var n = top ?? DefaultTop;
        if (n is < 1 or > AudienceQueries.MaxTop) return Problem(400, $"top must be 1..{AudienceQueries.MaxTop}, got {n}");
        if (Filters(minScore, age, gender) is { } problem) return problem;
        try
        {
            var page = await source.TopAudienceAsync(new AudienceQuery(id, n, minScore, age, gender, after), ct);
            audit.Audience(context, id, n, minScore, age, gender, page.Members.Count);
            return Results.Ok(new AudienceAnswer(id, page.Members, page.Next));
        }
        catch (FormatException e) { return Problem(400, e.Message); }
        catch (ElasticsearchRequestException e) { return Problem(502, e.Message); }
    }

    /// <summary>Streams every page of the audience; a failure after the first row has gone ends the download short.</summary>
    private static async Task<IResult> ExportAudience(int id, IAudienceSource source, ApiAudit audit, HttpContext context, CancellationToken ct,
        [FromQuery(Name = "min_score")] double? minScore, [FromQuery] string? age, [FromQuery] string? gender)
    {
        if (Filters(minScore, age, gender) is { } problem) return problem;
        AudiencePage page;
        try { page = await source.TopAudienceAsync(new AudienceQuery(id, AudienceQueries.MaxTop, minScore, age, gender), ct); }
        catch (ElasticsearchRequestException e) { return Problem(502, e.Message); }
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"audience-movie-{id}.csv\"";
        var writer = new StreamWriter(context.Response.Body, new System.Text.UTF8Encoding(false));
        await using (writer)
        {
            await writer.WriteAsync("member_id,score,age_band,gender\n");
            var rows = 0;
            while (true)
            {
                foreach (var member in page.Members)
                    await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{member.MemberId},{member.Score:R},{Csv(member.AgeBand)},{Csv(member.Gender)}\n"));
                rows += page.Members.Count;
                await writer.FlushAsync(ct);
                if (page.Next is null) break;
                page = await source.TopAudienceAsync(new AudienceQuery(id, AudienceQueries.MaxTop, minScore, age, gender, page.Next), ct);
            }
            audit.Export(context, id, minScore, age, gender, rows);
        }
        return Results.Empty;
    }

    // The codes come from the source database: quoted when they hold a separator, and never read as a spreadsheet formula.
    private static string Csv(string? value)
    {
        if (value is null) return "";
        var formula = value.Length > 0 && value[0] is '=' or '+' or '@';
        return formula || value.IndexOfAny([',', '"', '\n', '\r']) >= 0
            ? "\"" + (formula ? "'" : "") + value.Replace("\"", "\"\"") + "\""
            : value;
    }

    private static async Task<IResult> AudienceSummary(int id, IAudienceSource source, CancellationToken ct,
        [FromQuery] int? top, [FromQuery(Name = "min_score")] double? minScore, [FromQuery] string? age, [FromQuery] string? gender)
    {
        var n = top ?? DefaultTop;
        if (n < 1) return Problem(400, $"top must be at least 1, got {n}");
        if (Filters(minScore, age, gender) is { } problem) return problem;
        try { return Results.Ok(await source.CampaignSizeAsync(new AudienceQuery(id, n, minScore, age, gender), ct)); }
        catch (NotSupportedException e) { return Problem(501, e.Message); }
        catch (ElasticsearchRequestException e) { return Problem(502, e.Message); }
    }

    private static IResult? Filters(double? minScore, string? age, string? gender)
    {
        if (minScore is { } floor && (double.IsNaN(floor) || floor is < 0 or > 1)) return Problem(400, $"min_score must be a probability 0..1, got {floor}");
        if (age is not null && !AgeBands.IsKnown(age)) return Problem(400, $"age must be one of {string.Join(", ", AgeBands.All)}, got '{age}'");
        if (gender is { Length: 0 or > 16 } || gender?.Any(c => !char.IsAsciiLetterOrDigit(c)) == true) return Problem(400, "gender must be a short code such as F or M");
        return null;
    }

    private static async Task<IResult> MemberPropensities(long id, IAudienceSource source, ApiAudit audit, HttpContext context, CancellationToken ct)
    {
        try
        {
            var found = await source.MemberPropensitiesAsync(id, ct);
            audit.Member(context, found?.Movies.Count ?? 0);
            return found is not null ? Results.Ok(found) : Problem(404, $"member {id} has no scores");
        }
        catch (ElasticsearchRequestException e) { return Problem(502, e.Message); }
    }

    private static async Task<IResult> Histogram(int id, IAudienceSource source, CancellationToken ct, [FromQuery] int? bins)
    {
        var n = bins ?? ScoreBins.Default;
        if (n is < 1 or > ScoreBins.Max) return Problem(400, $"bins must be 1..{ScoreBins.Max}, got {n}");
        try { return Results.Ok(await source.HistogramAsync(id, n, ct)); }
        catch (ElasticsearchRequestException e) { return Problem(502, e.Message); }
    }

    private static IResult Movies(MovieDirectory movies, IServiceProvider services) =>
        services.GetService<ApiFeeds>() is null
            ? Problem(503, $"the movie list needs Kafka:BootstrapServers: the API reads titles from the movies CDC topic")
            : Results.Ok(new MoviesAnswer(movies.Candidates()));

    private static async Task<IResult> ComingSoon(IAudienceSource source, MovieDirectory movies, AudienceTrend trend, TimeProvider clock,
        IServiceProvider services, CancellationToken ct, [FromQuery(Name = "window_minutes")] int? windowMinutes)
    {
        var window = windowMinutes ?? ComingSoonComparison.DefaultWindowMinutes;
        if (window < 1 || window > trend.Keep.TotalMinutes) return Problem(400, $"window_minutes must be 1..{trend.Keep.TotalMinutes:0}, got {window}");
        if (services.GetService<ApiFeeds>() is null)
            return Problem(503, "the coming-soon comparison needs Kafka:BootstrapServers: the API reads titles from the movies CDC topic");
        try { return Results.Ok(await ComingSoonComparison.ReadAsync(source, movies, trend, clock.GetUtcNow(), TimeSpan.FromMinutes(window), ct)); }
        catch (ElasticsearchRequestException e) { return Problem(502, e.Message); }
    }

    private static IResult Model(IServiceProvider services) =>
        services.GetService<ModelCard>() is { } model
            ? Results.Ok(model)
            : Problem(404, "the API was started without the model file: set Processors:ModelPath to the file the workers score with");

    private static IResult Stats(ScoreStats stats, IServiceProvider services, [FromQuery] int? seconds)
    {
        var n = seconds ?? DefaultStatsSeconds;
        if (n < 1 || n > stats.WindowSeconds) return Problem(400, $"seconds must be 1..{stats.WindowSeconds}, got {n}");
        return services.GetService<ApiFeeds>() is not { } feeds
            ? Problem(503, "live stats need Kafka:BootstrapServers: the API measures them on the scores topic")
            : Results.Ok(stats.Read(n) with { CaughtUp = feeds.CaughtUp });
    }

    private static IResult Problem(int status, string message) => ApiProblems.Result(status, message);
}

/// <summary>The answer of `GET /movies/{id}/audience`.</summary>
public sealed record AudienceAnswer(int MovieId, IReadOnlyList<AudienceMember> Members, string? Next = null);
