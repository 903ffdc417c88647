namespace Insights.Contracts.Cinema;

/// <summary>The captured tables and their CDC topics: <c>&lt;prefix&gt;.cinema.&lt;table&gt;</c>.</summary>
public static class CinemaTables
{
    public const string Database = "cinema";
    public const string DefaultTopicPrefix = "cdc";
    public const string Members = "members";
    public const string Movies = "movies";
    public const string Sessions = "sessions";
    public const string Tickets = "tickets";

    public static readonly IReadOnlyList<string> All = [Members, Movies, Sessions, Tickets];

    public static string Topic(string table, string prefix = DefaultTopicPrefix) => $"{prefix}.{Database}.{table}";
}
