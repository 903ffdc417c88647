using System.Globalization;

namespace Insights.Evaluation.Tests.Data;

/// <summary>
/// A MovieLens CSV release made up in a temp folder at the size of ml-latest-small (about 9,000 movies, 610 members,
/// 100,000 ratings), so a full-catalog evaluation can run where no such release is on the machine. Popularity is
/// skewed (Zipf), every movie is rated at least once, and each member leans to one of 30 taste groups, so
/// co-occurrence methods have something to find. The same seed writes the same files.
/// </summary>
internal sealed class SyntheticCsvRelease : IDisposable
{
    private static readonly string[] Genres =
    [
        "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir",
        "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    private const int TasteGroups = 30;
    private const long FirstSecond = 946_684_800; // 2000-01-01
    private const long LastSecond = 1_537_747_200; // 2018-09-24

    public SyntheticCsvRelease(int movies = 9_000, int members = 610, int seed = 7)
    {
        Folder = Path.Combine(Path.GetTempPath(), "insights-csv-release-" + Guid.NewGuid().ToString("N"));
        Write(Folder, movies, members, seed);
    }

    public string Folder { get; }

    /// <summary>Writes movies.csv and ratings.csv into a folder.</summary>
    public static void Write(string folder, int movies, int members, int seed)
    {
        var random = new Random(seed);
        Directory.CreateDirectory(folder);
        // Sparse ids, as in the real releases: the loaders and the item index must not assume 1..n.
        var ids = Enumerable.Range(0, movies).Select(i => 1 + i * 7).ToArray();
        var group = ids.Select(_ => random.Next(TasteGroups)).ToArray();
        using (var writer = new StreamWriter(Path.Combine(folder, "movies.csv")))
        {
            writer.WriteLine("movieId,title,genres");
            for (var i = 0; i < movies; i++)
            {
                var genres = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Genres[(group[i] + random.Next(4)) % Genres.Length]).Distinct();
                writer.WriteLine($"{ids[i]},\"Movie {i}, the sequel ({1950 + random.Next(69)})\",{string.Join('|', genres)}");
            }
        }

        // Zipf popularity over a shuffled order, cumulative for sampling; per taste group as well.
        var popularity = Enumerable.Range(0, movies).Select(rank => 1 / Math.Pow(rank + 1, 0.9)).ToArray();
        random.Shuffle(popularity);
        var all = Cumulative(Enumerable.Range(0, movies).ToArray(), popularity);
        var byGroup = Enumerable.Range(0, TasteGroups)
            .Select(g => Cumulative(Enumerable.Range(0, movies).Where(i => group[i] == g).ToArray(), popularity)).ToArray();

        var rated = new List<int>[members];
        for (var m = 0; m < members; m++)
        {
            // At least 20 ratings as in MovieLens, mean about 165 with a long tail.
            var count = Math.Min(movies / 2, 20 + (int)(-145 * Math.Log(1 - random.NextDouble())));
            var taste = random.Next(TasteGroups);
            var chosen = new HashSet<int>();
            while (chosen.Count < count)
                chosen.Add(random.NextDouble() < 0.6 ? Sample(byGroup[taste], random) : Sample(all, random));
            rated[m] = [.. chosen];
        }
        // Every movie is rated at least once (a release lists only rated movies).
        var covered = rated.SelectMany(r => r).ToHashSet();
        for (var i = 0; i < movies; i++)
            if (!covered.Contains(i)) rated[random.Next(members)].Add(i);

        using var ratings = new StreamWriter(Path.Combine(folder, "ratings.csv"));
        ratings.WriteLine("userId,movieId,rating,timestamp");
        for (var m = 0; m < members; m++)
        {
            // A member rates in sessions: from a random start, minutes apart, with gaps of days between sessions.
            var at = FirstSecond + (long)(random.NextDouble() * (LastSecond - FirstSecond) * 0.9);
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rated[m]));
            foreach (var movie in rated[m])
            {
                at = Math.Min(LastSecond, at + (random.NextDouble() < 0.1 ? random.Next(86_400, 30 * 86_400) : random.Next(30, 600)));
                var stars = (1 + random.Next(10)) / 2.0;
                ratings.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m + 1},{ids[movie]},{stars:F1},{at}"));
            }
        }
    }

    private static (int[] Items, double[] Cumulative) Cumulative(int[] items, double[] weights)
    {
        var cumulative = new double[items.Length];
        double sum = 0;
        for (var k = 0; k < items.Length; k++) cumulative[k] = sum += weights[items[k]];
        return (items, cumulative);
    }

    private static int Sample((int[] Items, double[] Cumulative) table, Random random)
    {
        var target = random.NextDouble() * table.Cumulative[^1];
        var k = Array.BinarySearch(table.Cumulative, target);
        return table.Items[Math.Min(k < 0 ? ~k : k, table.Items.Length - 1)];
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
