using Insights.Contracts;
using Insights.Contracts.Cinema;

namespace Insights.DevTool.Demo.Live;

/// <summary>The movie the dashboard follows: by default the now_showing movie that sells most in the first live tickets.</summary>
public sealed record FeaturedMovie(int MovieId, string Title)
{
    /// <summary>How many upcoming tickets decide "sells most": about the first minute or two of a demo.</summary>
    public const int Lookahead = 2_000;

    public static FeaturedMovie Choose(CinemaPlan plan, CatalogCut cut, int? requested)
    {
        var titles = plan.Movies.ToDictionary(m => m.MovieId, m => m.Title);
        if (requested is { } id)
            return titles.TryGetValue(id, out var title) ? new FeaturedMovie(id, title)
                : throw new CommandLineError($"--movie {id} is not a movie of this dataset");
        var best = plan.Tickets.Skip(cut.SeededTickets).Take(Lookahead)
            .Where(t => cut.StatusOf(t.MovieId) == MovieRow.NowShowing)
            .GroupBy(t => t.MovieId).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).FirstOrDefault()?.Key
            ?? plan.Movies.Select(m => m.MovieId).FirstOrDefault(m => cut.StatusOf(m) == MovieRow.NowShowing);
        return best == 0 ? throw new CommandLineError("no movie is now showing at the cut: nothing to feature (pass --movie)") : new FeaturedMovie(best, titles[best]);
    }
}
