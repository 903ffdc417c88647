using Insights.Contracts.Cinema;

namespace Insights.DevTool.Demo;

/// <summary>
/// Maps a dataset's genre names onto the values of movies.genres, a SET in schema/cinema.sql
/// ("Children's" -> children, "Film-Noir" -> film_noir, "Sci-Fi" -> sci_fi). Names outside the SET
/// (the CSV layout's "IMAX" is a format, not a genre) are left out and listed in <see cref="Unmapped"/>.
/// </summary>
public sealed class GenreSet
{
    private readonly string?[] byBit;

    public GenreSet(IReadOnlyList<string> datasetGenres)
    {
        byBit = [.. datasetGenres.Select(Normalise).Select(name => CinemaGenres.All.Contains(name) ? name : null)];
        Unmapped = [.. datasetGenres.Where((_, bit) => byBit[bit] is null)];
    }

    public IReadOnlyList<string> Unmapped { get; }

    /// <summary>The SET value (comma-separated, schema order) for a catalog genre bit set.</summary>
    public string ValueOf(uint genreBits)
    {
        var names = new List<string>();
        for (var bit = 0; bit < byBit.Length; bit++)
            if ((genreBits & (1u << bit)) != 0 && byBit[bit] is { } name && !names.Contains(name)) names.Add(name);
        return string.Join(',', CinemaGenres.All.Where(names.Contains));
    }

    private static string Normalise(string name) =>
        name.Trim().ToLowerInvariant().Replace("'s", "").Replace('-', '_').Replace(' ', '_');
}
