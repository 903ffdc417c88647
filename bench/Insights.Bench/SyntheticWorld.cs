using Insights.Propensity;
using Insights.Propensity.Catalog;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;
using Insights.Propensity.Scoring;

namespace Insights.Bench;

/// <summary>
/// A deterministic synthetic cinema shaped like ml-100k: 1,700 movies with skewed popularity, members
/// with ~100 attendances whose next movie is often close in id to the previous one (so neighbour lists
/// are realistic), 50 "now showing" candidate movies, and a model with weights of the trained magnitude.
/// </summary>
public sealed class SyntheticWorld
{
    public const int Movies = 1700;
    public const int Candidates = 50;
    public const long Start = 880_000_000;

    public SyntheticWorld(int members, int eventsPerMember, int seed = 11)
    {
        var random = new Random(seed);
        Catalog = new MovieCatalog([.. Enumerable.Range(0, 19).Select(g => $"genre{g}")]);
        for (var id = 1; id <= Movies; id++)
            Catalog.Upsert(new Movie(id, (uint)(1 << random.Next(19)) | (uint)(1 << random.Next(19)), 10_000 + random.Next(600), MovieStatus.NowShowing));
        Collective = new CollectiveState(Settings, staleness: 0.25);
        for (var m = 0; m < members; m++)
        {
            var member = new MemberState(m, 19, (byte)(1 + m % 21));
            var movie = PopularMovie(random);
            for (var e = 0; e < eventsPerMember; e++)
            {
                movie = random.NextDouble() < 0.5 ? Math.Clamp(movie + random.Next(-5, 6), 1, Movies) : PopularMovie(random);
                var at = Start + (long)e * 86400 + m;
                var change = member.Apply(new TicketEvent(NextTicket++, m, movie, at), Catalog.Find(movie)!.Genres, Settings);
                Collective.Apply(CoAttendance.From(member, change));
            }
            MemberStates.Add(member);
        }
        Collective.RefreshAll();
        CandidateMovies = [.. Enumerable.Range(0, Candidates).Select(i => 1 + i * (Movies / Candidates))];
    }

    public ModelSettings Settings { get; } = ModelSettings.Default;
    public MovieCatalog Catalog { get; }
    public CollectiveState Collective { get; }
    public List<MemberState> MemberStates { get; } = [];
    public int[] CandidateMovies { get; }
    public long NextTicket { get; set; } = 1;

    public PropensityModel Model => new()
    {
        ModelVersion = "bench",
        Settings = Settings,
        Features = FeatureNames.All,
        Means = new float[FeatureNames.Count],
        Scales = Enumerable.Repeat(1f, FeatureNames.Count).ToArray(),
        Weights = [0.9f, 0.6f, 0.4f, 0.3f, 0.2f, 0.3f, -0.5f, 0.1f, -0.1f, 0.05f],
        Intercept = -7f,
    };

    /// <summary>Zipf-like popularity: small ids are the blockbusters.</summary>
    public static int PopularMovie(Random random) => Math.Clamp((int)(Movies * Math.Pow(random.NextDouble(), 3)) + 1, 1, Movies);
}
