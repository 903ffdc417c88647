namespace Insights.Contracts.Scores;

/// <summary>
/// The coarse demographics an audience query may filter on, carried beside a member's scores. Deliberately
/// coarse so it is not personal data: an age band (never a birth date or exact age) and the gender code the
/// source holds; no names, emails or postcodes. Null on <see cref="ScoreUpdate.Demographics"/> when unknown.
/// </summary>
public sealed record MemberDemographics
{
    /// <summary>One of <see cref="AgeBands.All"/>, or null when the source has no age.</summary>
    public string? AgeBand { get; init; }

    /// <summary>The source's gender code as given (e.g. "F", "M"), or null when unknown.</summary>
    public string? Gender { get; init; }
}

/// <summary>The age bands audiences are filtered by: wide enough that a band never singles a member out.</summary>
public static class AgeBands
{
    public static readonly IReadOnlyList<string> All = ["under-18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-plus"];

    public static string Of(int age) => age switch
    {
        < 0 => throw new ArgumentOutOfRangeException(nameof(age), age, "an age cannot be negative"),
        < 18 => "under-18",
        < 25 => "18-24",
        < 35 => "25-34",
        < 45 => "35-44",
        < 55 => "45-54",
        < 65 => "55-64",
        _ => "65-plus",
    };

    public static bool IsKnown(string band) => All.Contains(band, StringComparer.Ordinal);
}
