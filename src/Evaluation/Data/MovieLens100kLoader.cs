using System.Globalization;
using System.Text;
using Insights.Propensity.Catalog;
using Insights.Propensity.Members;

namespace Insights.Evaluation.Data;

/// <summary>
/// Reads the ml-100k layout: u.data (user, item, rating, timestamp; tab separated), u.item (pipe
/// separated: id, title, release date dd-MMM-yyyy, video date, url, 19 genre flags), u.genre (name|index)
/// and u.user (id|age|gender|occupation|zip; only age and gender are kept, as an audience cell).
/// The files are Latin-1, as GroupLens publishes them.
/// </summary>
public static class MovieLens100kLoader
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    public static bool Recognises(string directory) => File.Exists(Path.Combine(directory, "u.data"));

    public static Dataset Load(string directory)
    {
        var genres = LoadGenres(Path.Combine(directory, "u.genre"));
        var catalog = new MovieCatalog(genres);
        foreach (var movie in LoadMovies(Path.Combine(directory, "u.item"), genres.Count)) catalog.Upsert(movie);
        var cells = LoadCells(Path.Combine(directory, "u.user"));
        var attendances = LoadRatings(Path.Combine(directory, "u.data"));
        return new Dataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))), catalog, cells, attendances);
    }

    private static List<string> LoadGenres(string path)
    {
        var byIndex = new SortedDictionary<int, string>();
        foreach (var (line, number) in Lines(path))
        {
            var parts = line.Split('|');
            if (parts.Length != 2 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var index) || index < 0)
                throw Malformed(path, number, "expected name|index");
            byIndex[index] = parts[0];
        }
        if (byIndex.Count == 0) throw new DatasetException($"{path}: no genres");
        if (byIndex.Keys.Last() != byIndex.Count - 1) throw new DatasetException($"{path}: genre indexes are not 0..{byIndex.Count - 1}");
        return [.. byIndex.Values];
    }

    private static IEnumerable<Movie> LoadMovies(string path, int genreCount)
    {
        foreach (var (line, number) in Lines(path))
        {
            var parts = line.Split('|');
            if (parts.Length != 5 + genreCount) throw Malformed(path, number, $"expected {5 + genreCount} fields, got {parts.Length}");
            if (!int.TryParse(parts[0], CultureInfo.InvariantCulture, out var id) || id < 0) throw Malformed(path, number, "movie id is not a non-negative integer");
            int? release = null;
            if (parts[2].Length > 0)
            {
                if (!DateTime.TryParseExact(parts[2], ["dd-MMM-yyyy", "d-MMM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
                    throw Malformed(path, number, $"release date '{parts[2]}' is not dd-MMM-yyyy");
                release = (int)(date - DateTime.UnixEpoch).TotalDays;
            }
            uint bits = 0;
            for (var g = 0; g < genreCount; g++)
            {
                var flag = parts[5 + g];
                if (flag == "1") bits |= 1u << g;
                else if (flag != "0") throw Malformed(path, number, $"genre flag {g} is '{flag}', not 0 or 1");
            }
            yield return new Movie(id, bits, release, MovieStatus.Unknown);
        }
    }

    private static Dictionary<int, byte> LoadCells(string path)
    {
        var cells = new Dictionary<int, byte>();
        if (!File.Exists(path)) return cells; // demographics are optional
        foreach (var (line, number) in Lines(path))
        {
            var parts = line.Split('|');
            if (parts.Length < 3 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var id) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var age))
                throw Malformed(path, number, "expected id|age|gender|...");
            cells[id] = AudienceCell.Of(parts[2].Length > 0 ? parts[2][0] : '?', age);
        }
        return cells;
    }

    private static List<Attendance> LoadRatings(string path)
    {
        var list = new List<Attendance>(100_000);
        foreach (var (line, number) in Lines(path))
        {
            var parts = line.Split('\t');
            if (parts.Length != 4
                || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var member)
                || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var movie) || movie < 0
                || !long.TryParse(parts[3], CultureInfo.InvariantCulture, out var at))
                throw Malformed(path, number, "expected user<TAB>item<TAB>rating<TAB>timestamp");
            list.Add(new Attendance(member, movie, at));
        }
        return list;
    }

    private static IEnumerable<(string Line, int Number)> Lines(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        var number = 0;
        foreach (var line in File.ReadLines(path, Latin1))
        {
            number++;
            if (line.Length == 0) continue;
            yield return (line, number);
        }
    }

    private static DatasetException Malformed(string path, int line, string problem) => new($"{path}:{line}: {problem}");
}
