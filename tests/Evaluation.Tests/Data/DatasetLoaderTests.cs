using Insights.Evaluation.Data;

namespace Insights.Evaluation.Tests.Data;

public class DatasetLoaderTests
{
    private static string[] GenreNamesOf(Dataset dataset, int movieId)
    {
        var genres = dataset.Catalog.Find(movieId)!.Genres;
        return [.. dataset.Catalog.GenreNames.Where((_, g) => (genres & (1u << g)) != 0).Where(g => g != "unknown").Order()];
    }

    [Fact]
    public void The_ml100k_and_csv_loaders_agree_on_the_same_data()
    {
        using var files = new SyntheticMovieLens();

        var classic = DatasetLoader.Load(files.Classic);
        var csv = DatasetLoader.Load(files.Csv);

        Assert.Equal(classic.Attendances, csv.Attendances);
        Assert.Equal(SyntheticMovieLens.Ratings.Length, csv.Attendances.Count);
        Assert.Equal(classic.Catalog.Ids.Order(), csv.Catalog.Ids.Order());
        foreach (var id in classic.Catalog.Ids)
        {
            Assert.Equal(GenreNamesOf(classic, id), GenreNamesOf(csv, id));
            Assert.Equal(classic.Catalog.Find(id)!.ReleaseDay, csv.Catalog.Find(id)!.ReleaseDay);
        }
    }

    [Fact]
    public void The_ml100k_layout_carries_demographics_and_the_csv_layout_does_not()
    {
        using var files = new SyntheticMovieLens();

        var classic = DatasetLoader.Load(files.Classic);
        var csv = DatasetLoader.Load(files.Csv);

        Assert.Equal(Propensity.Members.AudienceCell.Of('F', 53), classic.AudienceCellOf(2));
        Assert.Equal(Propensity.Members.AudienceCell.Unknown, csv.AudienceCellOf(2));
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetLoader.Load("/nonexistent/ml-zzz"));
        Assert.Contains("/nonexistent/ml-zzz", error.Message);
    }

    [Fact]
    public void A_folder_without_ratings_names_both_layouts()
    {
        using var files = new SyntheticMovieLens();
        var empty = Path.Combine(files.Root, "empty");
        Directory.CreateDirectory(empty);

        var error = Assert.Throws<DatasetException>(() => DatasetLoader.Load(empty));

        Assert.Contains("u.data", error.Message);
        Assert.Contains("ratings.csv", error.Message);
    }

    [Fact]
    public void A_missing_movies_file_is_named()
    {
        using var files = new SyntheticMovieLens();
        File.Delete(Path.Combine(files.Csv, "movies.csv"));

        var error = Assert.Throws<DatasetException>(() => DatasetLoader.Load(files.Csv));

        Assert.Contains("movies.csv", error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void A_malformed_ml100k_line_is_named_with_file_and_line()
    {
        using var files = new SyntheticMovieLens();
        File.AppendAllLines(Path.Combine(files.Classic, "u.data"), ["4\tten\t3\t881250949"]);

        var error = Assert.Throws<DatasetException>(() => DatasetLoader.Load(files.Classic));

        Assert.Contains($"u.data:{SyntheticMovieLens.Ratings.Length + 1}", error.Message);
    }

    [Fact]
    public void A_malformed_csv_field_is_named_with_the_file()
    {
        using var files = new SyntheticMovieLens();
        File.AppendAllLines(Path.Combine(files.Csv, "ratings.csv"), ["4,ten,3.0,881250949"]);

        var error = Assert.Throws<DatasetException>(() => DatasetLoader.Load(files.Csv));

        Assert.Contains("ratings.csv", error.Message);
    }
}
