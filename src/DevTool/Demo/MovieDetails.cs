using Purpose = Insights.DevTool.Demo.DemoChoices.Purpose;

namespace Insights.DevTool.Demo;

/// <summary>
/// A plausible UK certificate and runtime for a movie, chosen from its genres (the datasets have neither):
/// family genres get U/PG and shorter runtimes, horror gets 15/18, crime, thriller and war lean to 15.
/// </summary>
public sealed class MovieDetails(DemoChoices choices)
{
    private static readonly (string, double)[] Family = [("U", 0.6), ("PG", 0.4)];
    private static readonly (string, double)[] Horror = [("15", 0.5), ("18", 0.5)];
    private static readonly (string, double)[] Tense = [("12A", 0.25), ("15", 0.55), ("18", 0.2)];
    private static readonly (string, double)[] General = [("U", 0.1), ("PG", 0.3), ("12A", 0.35), ("15", 0.25)];

    public string CertificateOf(int movieId, string genres)
    {
        var set = genres.Split(',');
        var options = set.Contains("children") || set.Contains("animation") ? Family
            : set.Contains("horror") ? Horror
            : set.Contains("crime") || set.Contains("thriller") || set.Contains("war") || set.Contains("film_noir") ? Tense
            : General;
        return choices.Weighted(options, Purpose.Certificate, movieId);
    }

    public int RuntimeOf(int movieId, string genres)
    {
        var set = genres.Split(',');
        var (shortest, longest) = set.Contains("children") || set.Contains("animation") ? (72, 100)
            : set.Contains("documentary") ? (80, 125)
            : (88, 155);
        return shortest + choices.Below(longest - shortest + 1, Purpose.Runtime, movieId);
    }
}
