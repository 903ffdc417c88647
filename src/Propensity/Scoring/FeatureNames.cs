namespace Insights.Propensity.Scoring;

/// <summary>The model's features, in the order of a feature vector. The model file lists them by name.</summary>
public static class FeatureNames
{
    public const int Sequence = 0;
    public const int CoAttendance = 1;
    public const int Popularity = 2;
    public const int ShortWindow = 3;
    public const int LongWindow = 4;
    public const int GenreAffinity = 5;
    public const int ReleaseAge = 6;
    public const int AudienceMatch = 7;
    public const int MemberFrequency = 8;
    public const int MemberIdleDays = 9;

    public static IReadOnlyList<string> All { get; } =
    [
        "sequence", "co_attendance", "popularity", "short_window", "long_window",
        "genre_affinity", "release_age", "audience_match", "member_frequency", "member_idle_days",
    ];

    public static int Count => All.Count;
}
