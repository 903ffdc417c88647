using Insights.DevTool.Demo;
using Insights.Evaluation.Data;

namespace Insights.DevTool.Tests.Demo;

public sealed class DatasetDetailsTests
{
    [Fact]
    public void Reads_titles_from_movies_csv_and_plans_members_without_demographics_in_the_csv_layout()
    {
        var folder = Directory.CreateTempSubdirectory("insights-demo-csv-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "movies.csv"), "movieId,title,genres\n1,\"Good, the Bad (1966)\",Western|IMAX\n2,Plain (2001),Drama\n");
            File.WriteAllText(Path.Combine(folder, "ratings.csv"), "userId,movieId,rating,timestamp\n5,1,4.0,1000000000\n6,2,3.5,1000000100\n");

            var plan = CinemaPlanner.Build(DatasetLoader.Load(folder), DatasetDetails.Read(folder));

            Assert.Equal("Good, the Bad (1966)", plan.Movies[0].Title);
            Assert.Equal("western", plan.Movies[0].Genres);
            Assert.Equal(["IMAX"], plan.UnmappedGenres);
            Assert.Equal([5, 6], plan.Members.Select(m => m.MemberId));
            Assert.All(plan.Members, m => Assert.Equal((null, null, null, null), (m.Postcode, m.BirthYear, m.Gender, m.Occupation)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var folder = Directory.CreateTempSubdirectory("insights-demo-missing-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "u.data"), "1\t1\t4\t1000\n");
            var error = Assert.Throws<DatasetException>(() => DatasetDetails.Read(folder));
            Assert.Contains("u.item: file not found", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
