using System.Buffers.Text;
using System.Text;

namespace Insights.Sinks.Elasticsearch;

/// <summary>
/// Where the next page of an audience starts: the sort values of the last member returned, as the source sorts
/// (score descending, then member id), in base64url so clients pass it back without reading it. Opaque to clients;
/// each source reads only the cursors it wrote.
/// </summary>
public static class AudienceCursor
{
    public static string Encode(string sortValues) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(sortValues));

    /// <summary>The sort values, or a <see cref="FormatException"/> saying the cursor is not one the API gave.</summary>
    public static string Decode(string cursor)
    {
        try { return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)); }
        catch (FormatException) { throw Invalid(); }
    }

    public static FormatException Invalid() => new("after must be the `next` cursor of an earlier page of the same audience");
}
