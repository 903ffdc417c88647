namespace Insights.Propensity.Catalog;

/// <summary>
/// The movies the model knows, indexed by movie id (ids are small non-negative integers, so an array
/// beats a dictionary on the scoring path). At most 32 genres, because a movie's genres are a bit set.
/// </summary>
public sealed class MovieCatalog
{
    public const int MaxGenres = 32;

    private Movie?[] byId = [];
    private readonly List<int> ids = [];

    public MovieCatalog(IReadOnlyList<string> genreNames)
    {
        if (genreNames.Count > MaxGenres)
            throw new ArgumentException($"a catalog holds at most {MaxGenres} genres, got {genreNames.Count}", nameof(genreNames));
        GenreNames = genreNames;
    }

    public IReadOnlyList<string> GenreNames { get; }

    public int Count => ids.Count;

    /// <summary>Every movie id, in the order movies were first added.</summary>
    public IReadOnlyList<int> Ids => ids;

    /// <summary>One more than the largest movie id: the size of arrays indexed by movie id.</summary>
    public int IdLimit => byId.Length;

    /// <summary>Adds or replaces a movie (a catalog change event).</summary>
    public void Upsert(Movie movie)
    {
        if (movie.Id < 0) throw new ArgumentOutOfRangeException(nameof(movie), $"movie id {movie.Id} is negative");
        if (movie.Genres >> GenreNames.Count != 0 && GenreNames.Count < MaxGenres)
            throw new ArgumentException($"movie {movie.Id} has a genre bit beyond the catalog's {GenreNames.Count} genres", nameof(movie));
        if (movie.Id >= byId.Length) Array.Resize(ref byId, Math.Max(movie.Id + 1, byId.Length * 2));
        if (byId[movie.Id] is null) ids.Add(movie.Id);
        byId[movie.Id] = movie;
    }

    public Movie? Find(int movieId) => (uint)movieId < (uint)byId.Length ? byId[movieId] : null;

    public bool Contains(int movieId) => Find(movieId) is not null;
}
