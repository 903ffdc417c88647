using System.Text.Json;
using Insights.Contracts.Debezium;

namespace Insights.Contracts.Cinema;

/// <summary>
/// A row of cinema.members. Name, Email and Postcode are personal data: read them here only to drop them;
/// nothing downstream of the CDC topics may carry them.
/// </summary>
public sealed record MemberRow(
    int MemberId,
    string Name,
    string Email,
    string? Postcode,
    int? BirthYear,
    string? Gender,
    string? Occupation,
    DateTime JoinedAt,
    DateTimeOffset UpdatedAt)
{
    public static MemberRow Read(JsonElement row, DecimalHandling decimals = DecimalHandling.Precise)
    {
        var r = new RowReader(row, decimals);
        return new MemberRow(r.Int32("member_id"), r.String("name"), r.String("email"), r.NullableString("postcode"),
            r.NullableInt32("birth_year"), r.NullableString("gender"), r.NullableString("occupation"),
            r.DateTimeMillis("joined_at"), r.Timestamp("updated_at"));
    }
}
