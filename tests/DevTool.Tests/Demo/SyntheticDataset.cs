using System.Globalization;

namespace Insights.DevTool.Tests.Demo;

/// <summary>
/// A small made-up dataset in the ml-100k layout, written to a temp folder (tests never use the licensed
/// data). 100 ratings, one a day from <see cref="Start"/>; with a live fraction of 0.2 the cut falls on
/// day 80. Movies are shaped to land in each status at that cut:
/// 1-5 sell every few days up to the cut (now_showing), 6 sells only in the first days (archived),
/// 7 sells on days 3 and 75 (now_showing: within 14 days of the cut), 8 first sells on day 85
/// (coming_soon), 9 never sells (archived). Member 21 has no ratings.
/// </summary>
public sealed class SyntheticDataset : IDisposable
{
    public static readonly DateTime Start = new(1997, 11, 1, 10, 0, 0, DateTimeKind.Utc);
    public const int Ratings = 100;
    public const int Members = 21;
    public const int Movies = 9;
    public const int ArchivedEarly = 6, ShowingLate = 7, ComingSoon = 8, NeverSold = 9;
    public const int FirstComingSoonDay = 85;

    private static readonly string[] Genres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    public SyntheticDataset()
    {
        Folder = Directory.CreateTempSubdirectory("insights-demo-dataset-").FullName;
        File.WriteAllLines(Path.Combine(Folder, "u.genre"), Genres.Select((g, i) => $"{g}|{i}"));
        File.WriteAllLines(Path.Combine(Folder, "u.item"), Enumerable.Range(1, Movies).Select(MovieLine));
        File.WriteAllLines(Path.Combine(Folder, "u.user"), Enumerable.Range(1, Members).Select(id =>
            $"{id}|{20 + id}|{(id % 2 == 0 ? "F" : "M")}|{(id % 3 == 0 ? "student" : "engineer")}|{10000 + id}"));
        File.WriteAllLines(Path.Combine(Folder, "u.data"), Enumerable.Range(0, Ratings).Select(day =>
        {
            var at = (long)(Start.AddDays(day) - DateTime.UnixEpoch).TotalSeconds;
            return $"{MemberOfDay(day)}\t{MovieOfDay(day)}\t4\t{at.ToString(CultureInfo.InvariantCulture)}";
        }));
    }

    public string Folder { get; }

    public DirectoryInfo Directory_ => new(Folder);

    public static int MemberOfDay(int day) => 1 + day % 20;

    public static int MovieOfDay(int day) => day switch
    {
        2 or 5 or 8 => ArchivedEarly,
        3 or 75 => ShowingLate,
        FirstComingSoonDay or 90 => ComingSoon,
        _ => 1 + day % 5,
    };

    // Movie 1 is a children's animation, 2 a horror, the rest dramas; movie 3 has a title with a '|'-free comma.
    private static string MovieLine(int id)
    {
        var flags = new string[Genres.Length];
        Array.Fill(flags, "0");
        if (id == 1) { flags[3] = "1"; flags[4] = "1"; }
        else if (id == 2) flags[11] = "1";
        else flags[8] = "1";
        var title = id == 3 ? "Made Up, The (1996)" : $"Synthetic Movie {id} (1997)";
        return $"{id}|{title}|01-Jan-{(id == 3 ? 1996 : 1997)}||http://example.invalid/{id}|{string.Join('|', flags)}";
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
