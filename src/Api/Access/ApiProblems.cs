using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Insights.Api.Access;

/// <summary>Every error answer of the API is RFC 9457 problem details: a status and one line naming the problem.</summary>
public static class ApiProblems
{
    public static IResult Result(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

    /// <summary>For middleware (sign-in, rate limits) that answers before an endpoint runs.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
        });
    }

    /// <summary>The scope policy of the endpoint the request was routed to.</summary>
    public static string RequiredScope(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).FirstOrDefault(p => p is not null) ?? "(none)";
}
