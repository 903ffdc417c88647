using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Insights.Api.Access;

/// <summary>
/// One log line per read of member data (category `Insights.Api.Audit`): who, what and how many. It names the client and
/// the query, never a member: audit logs are kept longer than the data they describe.
/// </summary>
public sealed partial class ApiAudit(ILogger<ApiAudit> logger)
{
    public void Audience(HttpContext context, int movieId, int top, double? minScore, string? age, string? gender, int members) =>
        AudienceRead(logger, ApiAccess.Client(context), movieId, top, Floor(minScore), age ?? "any", gender ?? "any", members);

    public void Member(HttpContext context, int movies) => MemberRead(logger, ApiAccess.Client(context), movies);

    public void Export(HttpContext context, int movieId, double? minScore, string? age, string? gender, int members) =>
        AudienceExported(logger, ApiAccess.Client(context), movieId, Floor(minScore), age ?? "any", gender ?? "any", members);

    private static string Floor(double? minScore) => minScore?.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    [LoggerMessage(Level = LogLevel.Information, Message = "audit: {Client} exported the audience of movie {MovieId} (min_score {MinScore}, age {Age}, gender {Gender}): {Members} members")]
    private static partial void AudienceExported(ILogger logger, string client, int movieId, string minScore, string age, string gender, int members);

    [LoggerMessage(Level = LogLevel.Information, Message = "audit: {Client} read the audience of movie {MovieId} (top {Top}, min_score {MinScore}, age {Age}, gender {Gender}): {Members} members")]
    private static partial void AudienceRead(ILogger logger, string client, int movieId, int top, string minScore, string age, string gender, int members);

    [LoggerMessage(Level = LogLevel.Information, Message = "audit: {Client} read one member's propensities: {Movies} movies")]
    private static partial void MemberRead(ILogger logger, string client, int movies);
}
