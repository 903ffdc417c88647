using System.Text.Json;
using Insights.Contracts.Scores;
using Insights.Sinks.Elasticsearch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Insights.Sinks.Api;

/// <summary>
/// The audience query service: `GET /movies/{id}/audience` and `GET /members/{id}/propensities`, backed by
/// the score index, with its OpenAPI document at `/openapi/v1.json`.
/// </summary>
public static class AudienceApi
{
    public const int DefaultTop = 100;

    /// <summary>Registers JSON (source-generated, snake_case), OpenAPI, the Elasticsearch client and the queries.</summary>
    public static IServiceCollection AddAudienceApi(this IServiceCollection services, ElasticsearchSettings settings)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, SinkJsonContext.Default);
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        services.AddOpenApi();
        services.AddSingleton(settings);
        services.AddSingleton(_ => settings.CreateClient());
        services.AddSingleton<AudienceQueries>();
        return services;
    }

    public static IEndpointRouteBuilder MapAudienceApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapGet("/movies/{id:int}/audience", TopAudience)
            .WithName("TopAudience")
            .WithSummary("The members most likely to see the movie, best first (members who saw it excluded).")
            .Produces<AudienceAnswer>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status502BadGateway);
        app.MapGet("/members/{id:long}/propensities", MemberPropensities)
            .WithName("MemberPropensities")
            .WithSummary("A member's score for every candidate movie, best first; seen movies say so.")
            .Produces<MemberPropensities>().Produces<ApiError>(StatusCodes.Status404NotFound).Produces<ApiError>(StatusCodes.Status502BadGateway);
        return app;
    }

    private static async Task<IResult> TopAudience(int id, AudienceQueries queries, CancellationToken ct,
        [FromQuery] int? top, [FromQuery(Name = "min_score")] double? minScore, [FromQuery] string? age, [FromQuery] string? gender)
    {
        var n = top ?? DefaultTop;
        if (n is < 1 or > AudienceQueries.MaxTop) return Problem(400, $"top must be 1..{AudienceQueries.MaxTop}, got {n}");
        if (minScore is { } floor && (double.IsNaN(floor) || floor is < 0 or > 1)) return Problem(400, $"min_score must be a probability 0..1, got {floor}");
        if (age is not null && !AgeBands.IsKnown(age)) return Problem(400, $"age must be one of {string.Join(", ", AgeBands.All)}, got '{age}'");
        if (gender is { Length: 0 or > 16 }) return Problem(400, "gender must be a short code such as F or M");
        try
        {
            var members = await queries.TopAudienceAsync(new AudienceQuery(id, n, minScore, age, gender), ct);
            return Results.Ok(new AudienceAnswer(id, members));
        }
        catch (ElasticsearchRequestException e) { return Problem(502, e.Message); }
    }

    private static async Task<IResult> MemberPropensities(long id, AudienceQueries queries, CancellationToken ct)
    {
        try
        {
            return await queries.MemberPropensitiesAsync(id, ct) is { } found
                ? Results.Ok(found)
                : Problem(404, $"member {id} has no scores");
        }
        catch (ElasticsearchRequestException e) { return Problem(502, e.Message); }
    }

    private static IResult Problem(int status, string message) => Results.Json(new ApiError(message), SinkJsonContext.Default.ApiError, statusCode: status);
}

/// <summary>The answer of `GET /movies/{id}/audience`.</summary>
public sealed record AudienceAnswer(int MovieId, IReadOnlyList<AudienceMember> Members);

/// <summary>Every error answer: one line naming the problem.</summary>
public sealed record ApiError(string Error);
