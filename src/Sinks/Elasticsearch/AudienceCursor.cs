using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Insights.Sinks.Elasticsearch;

/// <summary>
/// Where the next page of an audience starts: the sort values of the last member returned, as the source sorts
/// (score descending, then member id), in base64url so clients pass it back without reading it. Opaque to clients;
/// each source reads only the cursors it wrote.
/// </summary>
public static class AudienceCursor
{
    /// <summary>The cursor behind a member with <paramref name="score"/> (the source's sort score) and id.</summary>
    public static string After(double score, long memberId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{score:R},{memberId}")));

    /// <summary>The score and member id, or a <see cref="FormatException"/> saying the cursor is not one the API gave.</summary>
    public static (double Score, long MemberId) Read(string cursor)
    {
        string[] values;
        try { values = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(','); }
        catch (FormatException) { throw Invalid(); }
        return values.Length == 2
            && double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var score)
            && long.TryParse(values[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var member)
            ? (score, member)
            : throw Invalid();
    }

    private static FormatException Invalid() => new("after must be the `next` cursor of an earlier page of the same audience");
}
