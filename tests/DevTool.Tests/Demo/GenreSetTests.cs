using Insights.DevTool.Demo;

namespace Insights.DevTool.Tests.Demo;

public sealed class GenreSetTests
{
    [Fact]
    public void Maps_the_ml100k_genre_names_onto_the_schema_set()
    {
        string[] names = ["unknown", "Action", "Children's", "Film-Noir", "Sci-Fi", "Western"];
        var set = new GenreSet(names);

        Assert.Empty(set.Unmapped);
        Assert.Equal("children,film_noir,sci_fi,western", set.ValueOf(0b111100));
        Assert.Equal("", set.ValueOf(0));
    }

    [Fact]
    public void Leaves_out_names_the_schema_set_lacks_and_lists_them()
    {
        var set = new GenreSet(["IMAX", "Drama", "(no genres listed)"]);

        Assert.Equal(["IMAX", "(no genres listed)"], set.Unmapped);
        Assert.Equal("drama", set.ValueOf(0b111));
    }
}
