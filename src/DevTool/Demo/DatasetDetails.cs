using System.Globalization;
using System.Text;
using CsvHelper;
using Insights.Evaluation.Data;

namespace Insights.DevTool.Demo;

/// <summary>
/// The fields seeding needs that <see cref="DatasetLoader"/> does not keep: movie titles and members' full
/// demographics (age, gender, occupation, zip). ml-100k holds them in u.item and u.user; the MovieLens CSV
/// layout has titles in movies.csv and no demographics. Only these fields are read; ratings, genres and
/// release dates come from the shared loader.
/// </summary>
public sealed record DatasetDetails(IReadOnlyDictionary<int, string> Titles, IReadOnlyDictionary<int, MemberProfile> Members)
{
    public static DatasetDetails Read(string directory)
    {
        if (File.Exists(Path.Combine(directory, "u.data")))
            return new(Ml100kTitles(Path.Combine(directory, "u.item")), Ml100kMembers(Path.Combine(directory, "u.user")));
        return new(CsvTitles(Path.Combine(directory, "movies.csv")), new Dictionary<int, MemberProfile>());
    }

    private static Dictionary<int, string> Ml100kTitles(string path)
    {
        var titles = new Dictionary<int, string>();
        foreach (var (fields, number) in PipeLines(path))
        {
            if (fields.Length < 2 || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out var id))
                throw new DatasetException($"{path}:{number}: expected id|title|...");
            titles[id] = fields[1];
        }
        return titles;
    }

    // u.user is optional, as for the shared loader: without it members have no demographics.
    private static Dictionary<int, MemberProfile> Ml100kMembers(string path)
    {
        var members = new Dictionary<int, MemberProfile>();
        if (!File.Exists(path)) return members;
        foreach (var (fields, number) in PipeLines(path))
        {
            if (fields.Length != 5 || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out var id))
                throw new DatasetException($"{path}:{number}: expected id|age|gender|occupation|zip");
            int? age = int.TryParse(fields[1], CultureInfo.InvariantCulture, out var years) && years is > 0 and < 120 ? years : null;
            members[id] = new MemberProfile(id, age, NullIfEmpty(fields[2]), NullIfEmpty(fields[3]), NullIfEmpty(fields[4]));
        }
        return members;
    }

    private static Dictionary<int, string> CsvTitles(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        try
        {
            using var csv = CsvReader.FromFile(path, new CsvReaderOptions { TrackLineNumbers = true });
            var titles = new Dictionary<int, string>();
            foreach (var row in csv.GetRecords<MovieTitleRow>()) titles[row.MovieId] = row.Title;
            return titles;
        }
        catch (CsvFormatException e)
        {
            throw new DatasetException($"{path}: {e.Message.Split('\n')[0].Trim()}");
        }
    }

    private static IEnumerable<(string[] Fields, int Number)> PipeLines(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        var number = 0;
        foreach (var line in File.ReadLines(path, Encoding.Latin1)) // GroupLens publishes ml-100k in Latin-1
        {
            number++;
            if (line.Length > 0) yield return (line.Split('|'), number);
        }
    }

    private static string? NullIfEmpty(string value) => value.Trim() is { Length: > 0 } trimmed ? trimmed : null;
}

/// <summary>A row of movies.csv (movieId,title,genres); only the title is used here.</summary>
[CsvRecord]
internal sealed partial class MovieTitleRow
{
    public int MovieId { get; set; }
    public string Title { get; set; } = "";
    public string Genres { get; set; } = "";
}
