using System.Text;

namespace Insights.Evaluation.Tests.Data;

/// <summary>Writes the same small hand-made dataset in the ml-100k layout and in the MovieLens CSV layout.</summary>
internal sealed class SyntheticMovieLens : IDisposable
{
    public static readonly (int Member, int Movie, int Rating, long At)[] Ratings =
    [
        (1, 10, 5, 881250949), (1, 20, 3, 881250950), (2, 10, 4, 881250960), (2, 30, 2, 881251000),
        (3, 20, 1, 881260000), (3, 30, 5, 881260001), (3, 10, 4, 881260002),
    ];

    public static readonly (int Id, string Title, int Year, string[] Genres)[] Movies =
    [
        (10, "Toy, the Story (1995)", 1995, ["Animation", "Comedy"]),
        (20, "Golden \"Eye\" (1996)", 1996, ["Action"]),
        (30, "Quiet Film (1997)", 1997, []),
    ];

    private static readonly string[] Genres100k = ["unknown", "Action", "Animation", "Comedy"];

    public SyntheticMovieLens()
    {
        Root = Path.Combine(Path.GetTempPath(), "insights-eval-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Classic);
        Directory.CreateDirectory(Csv);
        WriteClassic();
        WriteCsv();
    }

    public string Root { get; }
    public string Classic => Path.Combine(Root, "ml-classic");
    public string Csv => Path.Combine(Root, "ml-csv");

    private void WriteClassic()
    {
        File.WriteAllLines(Path.Combine(Classic, "u.data"), Ratings.Select(r => $"{r.Member}\t{r.Movie}\t{r.Rating}\t{r.At}"));
        File.WriteAllLines(Path.Combine(Classic, "u.genre"), Genres100k.Select((g, i) => $"{g}|{i}"), Encoding.Latin1);
        File.WriteAllLines(Path.Combine(Classic, "u.item"), Movies.Select(m =>
            $"{m.Id}|{m.Title}|01-Jan-{m.Year}||http://example.invalid/|" +
            string.Join("|", Genres100k.Select(g => m.Genres.Contains(g) || (m.Genres.Length == 0 && g == "unknown") ? "1" : "0"))), Encoding.Latin1);
        File.WriteAllLines(Path.Combine(Classic, "u.user"), ["1|24|M|technician|00000", "2|53|F|other|00000", "3|17|M|student|00000"]);
    }

    private void WriteCsv()
    {
        File.WriteAllLines(Path.Combine(Csv, "ratings.csv"),
            ["userId,movieId,rating,timestamp", .. Ratings.Select(r => $"{r.Member},{r.Movie},{r.Rating}.0,{r.At}")]);
        File.WriteAllLines(Path.Combine(Csv, "movies.csv"),
            ["movieId,title,genres", .. Movies.Select(m =>
                $"{m.Id},\"{m.Title.Replace("\"", "\"\"")}\",{(m.Genres.Length == 0 ? "(no genres listed)" : string.Join("|", m.Genres))}")]);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
