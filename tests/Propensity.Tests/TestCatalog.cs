using Insights.Propensity;
using Insights.Propensity.Catalog;

namespace Insights.Propensity.Tests;

/// <summary>A small hand-made catalog: genres GenreAction(0), GenreComedy(1), GenreDrama(2); movies 1..6.</summary>
internal static class TestCatalog
{
    public const uint GenreAction = 1, GenreComedy = 2, GenreDrama = 4;
    public const long Day = 86400;
    public const long Start = 1_000_000_000;

    public static MovieCatalog Create()
    {
        var catalog = new MovieCatalog(["Action", "Comedy", "Drama"]);
        catalog.Upsert(new Movie(1, GenreAction, 11000, MovieStatus.NowShowing));
        catalog.Upsert(new Movie(2, GenreComedy, 11000, MovieStatus.NowShowing));
        catalog.Upsert(new Movie(3, GenreDrama, 11500, MovieStatus.NowShowing));
        catalog.Upsert(new Movie(4, GenreAction | GenreComedy, null, MovieStatus.ComingSoon));
        catalog.Upsert(new Movie(5, GenreDrama, 11000, MovieStatus.NowShowing));
        catalog.Upsert(new Movie(6, GenreComedy, 11000, MovieStatus.Archived));
        return catalog;
    }

    public static ModelSettings Settings { get; } = ModelSettings.Default;
}
