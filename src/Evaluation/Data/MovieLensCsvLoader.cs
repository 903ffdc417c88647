using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using Insights.Propensity.Catalog;

namespace Insights.Evaluation.Data;

/// <summary>
/// Reads the MovieLens CSV layout (ml-latest, ml-25m, ...): ratings.csv (userId,movieId,rating,timestamp)
/// and movies.csv (movieId,title,genres with genres separated by '|'). The release date is the year in
/// the title's trailing "(yyyy)", as 1 January of that year (what ml-100k records for most movies).
/// This layout carries no demographics, so every member's audience cell is unknown.
/// </summary>
public static partial class MovieLensCsvLoader
{
    private const string NoGenres = "(no genres listed)";

    public static bool Recognises(string directory) => File.Exists(Path.Combine(directory, "ratings.csv"));

    public static Dataset Load(string directory)
    {
        var moviesPath = Path.Combine(directory, "movies.csv");
        var rows = Read<MovieRow>(moviesPath);
        var genreNames = new List<string>();
        foreach (var row in rows)
            foreach (var genre in SplitGenres(row.Genres))
                if (!genreNames.Contains(genre)) genreNames.Add(genre);
        if (genreNames.Count > MovieCatalog.MaxGenres)
            throw new DatasetException($"{moviesPath}: {genreNames.Count} distinct genres, at most {MovieCatalog.MaxGenres} are supported");
        var catalog = new MovieCatalog(genreNames);
        foreach (var row in rows)
        {
            if (row.MovieId < 0) throw new DatasetException($"{moviesPath}: movie id {row.MovieId} is negative");
            uint bits = 0;
            foreach (var genre in SplitGenres(row.Genres)) bits |= 1u << genreNames.IndexOf(genre);
            catalog.Upsert(new Movie(row.MovieId, bits, ReleaseDay(row.Title), MovieStatus.Unknown));
        }
        var ratingsPath = Path.Combine(directory, "ratings.csv");
        var attendances = new List<Attendance>();
        foreach (var rating in Read<RatingRow>(ratingsPath))
        {
            if (rating.MovieId < 0) throw new DatasetException($"{ratingsPath}: movie id {rating.MovieId} is negative");
            attendances.Add(new Attendance(rating.UserId, rating.MovieId, rating.Timestamp));
        }
        return new Dataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))), catalog,
            new Dictionary<int, byte>(), attendances);
    }

    private static IEnumerable<string> SplitGenres(string genres) =>
        genres == NoGenres || genres.Length == 0 ? [] : genres.Split('|');

    private static int? ReleaseDay(string title)
    {
        var match = TitleYear().Match(title);
        if (!match.Success) return null;
        var year = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return year is < 1870 or > 2200 ? null : (int)(new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalDays;
    }

    [GeneratedRegex(@"\((\d{4})\)\s*$")]
    private static partial Regex TitleYear();

    private static List<T> Read<T>(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        try
        {
            using var csv = CsvReader.FromFile(path, new CsvReaderOptions { TrackLineNumbers = true });
            return [.. csv.GetRecords<T>()];
        }
        catch (CsvFormatException e)
        {
            throw new DatasetException($"{path}: {FirstLine(e.Message)}");
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
