using Purpose = Insights.DevTool.Demo.DemoChoices.Purpose;

namespace Insights.DevTool.Demo;

/// <summary>
/// Where and when a ticket's screening is: each member goes to a home cinema, screenings start in the
/// evening, and a purchase made before 17:00 is for that evening, a later one for the next evening (so a
/// ticket is always bought before its session starts and every evening slot is still ahead).
/// </summary>
public sealed class SessionSchedule(DemoChoices choices)
{
    public const int Cinemas = 5;
    private static readonly TimeSpan SameDayCutoff = TimeSpan.FromHours(17);
    private static readonly TimeSpan[] EveningStarts = [.. new[] { "17:30", "18:00", "18:15", "18:45", "19:30", "20:00", "20:30", "21:00", "21:45" }.Select(s => TimeSpan.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];

    private static readonly (string Format, double Weight)[] Formats = [("2d", 0.65), ("3d", 0.15), ("imax", 0.12), ("4dx", 0.08)];

    public int HomeCinemaOf(int memberId) => 1 + choices.Below(Cinemas, Purpose.HomeCinema, memberId);

    public static DateOnly DayOf(DateTime purchasedAt) =>
        DateOnly.FromDateTime(purchasedAt.TimeOfDay < SameDayCutoff ? purchasedAt : purchasedAt.AddDays(1));

    public DateTime StartOf(int movieId, int cinemaId, DateOnly day) =>
        day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) + EveningStarts[choices.Below(EveningStarts.Length, Purpose.SessionStart, movieId, cinemaId, day.DayNumber)];

    public string FormatOf(int movieId, int cinemaId, DateOnly day) =>
        choices.Weighted(Formats, Purpose.SessionFormat, movieId, cinemaId, day.DayNumber);
}
