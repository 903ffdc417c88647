namespace Insights.Fixtures.Elasticsearch;

/// <summary>Elasticsearch's simple wildcard match (`*` matches any run of characters), used for index expressions and templates.</summary>
internal static class IndexPattern
{
    public static bool IsWildcard(string pattern) => pattern.Contains('*');

    public static bool Matches(string pattern, string name) => Matches(pattern.AsSpan(), name.AsSpan());

    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        var star = pattern.IndexOf('*');
        if (star < 0) return pattern.SequenceEqual(name);
        if (name.Length < star || !pattern[..star].SequenceEqual(name[..star])) return false;
        var rest = pattern[(star + 1)..];
        if (rest.IsEmpty) return true;
        for (var i = star; i <= name.Length; i++)
            if (Matches(rest, name[i..])) return true;
        return false;
    }
}
