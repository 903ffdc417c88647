using Insights.Processors.Movies;

namespace Insights.Processors.Tests.Movies;

public sealed class MovieStoreLayoutTests
{
    [Fact]
    public void A_block_holds_the_cells_of_its_other_movies_and_reads_back_as_them()
    {
        var cells = new Dictionary<int, float> { [3] = 1.5f, [63] = 2f, [64] = 7f, [130] = 0.25f };

        var first = MovieStoreLayout.EncodeBlock(cells, 0)!;
        var third = MovieStoreLayout.EncodeBlock(cells, 2)!;

        Assert.Equal([KeyValuePair.Create(3, 1.5f), KeyValuePair.Create(63, 2f)], MovieStoreLayout.DecodeBlock(0, first));
        Assert.Equal([KeyValuePair.Create(130, 0.25f)], MovieStoreLayout.DecodeBlock(2, third));
    }

    [Fact]
    public void A_block_without_cells_is_null_so_its_record_is_deleted()
    {
        Assert.Null(MovieStoreLayout.EncodeBlock(new Dictionary<int, float> { [64] = 1f }, 0));
    }

    [Fact]
    public void The_store_holds_one_cell_record_per_block_however_many_pairs_a_row_has()
    {
        var cells = Enumerable.Range(0, 1_000).ToDictionary(other => other, other => (float)other);

        var blocks = Enumerable.Range(0, 1_000 / MovieStoreLayout.CellsPerBlock + 1).Select(b => MovieStoreLayout.EncodeBlock(cells, b)).Where(b => b is not null).ToList();

        Assert.Equal(16, blocks.Count);
        Assert.Equal(cells.OrderBy(c => c.Key), blocks.SelectMany((b, i) => MovieStoreLayout.DecodeBlock(i, b!)));
    }

    [Fact]
    public void Reading_a_store_sorts_headers_watermarks_and_blocks_by_movie()
    {
        var entries = new Dictionary<string, byte[]>
        {
            [MovieStoreLayout.HeaderKey(5)] = [1, 2],
            [MovieStoreLayout.WatermarkKey(3)] = MovieRowCodec.EncodeWatermark(42, 7),
            [MovieStoreLayout.BlockKey('c', 5, 1)] = MovieStoreLayout.EncodeBlock(new Dictionary<int, float> { [70] = 2f }, 1)!,
            [MovieStoreLayout.BlockKey('f', 5, 0)] = MovieStoreLayout.EncodeBlock(new Dictionary<int, float> { [9] = 1f }, 0)!,
        };

        var contents = MovieStoreLayout.Read(entries);

        Assert.Equal([1, 2], contents.Headers[5]);
        Assert.Equal((42L, 7), contents.Watermarks[3]);
        Assert.Equal([KeyValuePair.Create(70, 2f)], contents.CoAttendance[5]);
        Assert.Equal([KeyValuePair.Create(9, 1f)], contents.Follow[5]);
        Assert.Empty(contents.LegacyCells);
    }

    [Fact]
    public void A_store_written_a_record_per_cell_is_read_and_its_cell_records_are_named_for_deletion()
    {
        var entries = new Dictionary<string, byte[]>
        {
            ["c:5:70"] = BitConverter.GetBytes(2f),
            ["f:5:9"] = BitConverter.GetBytes(1f),
        };

        var contents = MovieStoreLayout.Read(entries);

        Assert.Equal([KeyValuePair.Create(70, 2f)], contents.CoAttendance[5]);
        Assert.Equal([KeyValuePair.Create(9, 1f)], contents.Follow[5]);
        Assert.Equal([('c', 5, 70, "c:5:70"), ('f', 5, 9, "f:5:9")], contents.LegacyCells);
    }

    [Fact]
    public void A_block_claiming_a_cell_beyond_its_size_is_refused()
    {
        byte[] bytes = [1, 1, 64, 0, 0, 128, 63];

        Assert.Throws<FormatException>(() => MovieStoreLayout.DecodeBlock(0, bytes));
    }
}
