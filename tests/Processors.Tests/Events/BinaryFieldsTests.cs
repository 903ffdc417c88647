using Insights.Processors.Events;
using Insights.Processors.Movies;

namespace Insights.Processors.Tests.Events;

/// <summary>The binary encoder the processors' records share: each stream thread reuses its buffers, one per nesting level.</summary>
public sealed class BinaryFieldsTests
{
    private static CoAttendanceUpdate Update(int movie, int others) =>
        new(movie, 1_767_225_600, +1, 3, Enumerable.Range(1, others).ToArray(), [movie + 1]) { MemberId = 7, EventOffset = 12, Index = movie };

    [Fact]
    public void A_nested_record_is_its_length_then_the_bytes_it_encodes_to_alone()
    {
        var update = Update(42, 300);

        var nested = BinaryFields.Encode(update, static (w, u) => u.WriteNested(w));

        using var reader = new BinaryReader(new MemoryStream(nested));
        var length = reader.Read7BitEncodedInt();
        Assert.Equal(update.Encode(), reader.ReadBytes(length));
        Assert.Equal(nested.Length, reader.BaseStream.Position);
    }

    [Fact]
    public void A_batch_encoded_after_a_larger_one_carries_none_of_its_bytes()
    {
        var large = new CollectiveBatch(1, [Update(5, 2_000), Update(6, 2_000)]);
        var small = new CollectiveBatch(2, [Update(9, 3)]);

        _ = large.Encode();
        var read = CollectiveBatch.Decode(small.Encode());

        Assert.Equal(2, read.SourcePartition);
        var update = Assert.Single(read.Updates);
        Assert.Equal([1, 2, 3], update.Before);
    }

    [Fact]
    public void An_encoder_that_throws_half_way_leaves_the_next_encoding_whole()
    {
        Assert.Throws<InvalidOperationException>(() => BinaryFields.Encode(0, static (w, _) =>
        {
            w.Write(new byte[500]);
            Update(1, 10).WriteNested(w);
            throw new InvalidOperationException("half way");
        }));

        var update = Update(3, 4);
        Assert.Equal(update, CoAttendanceUpdate.Decode(update.Encode()), UpdateComparer.Instance);
    }

    private sealed class UpdateComparer : IEqualityComparer<CoAttendanceUpdate>
    {
        public static readonly UpdateComparer Instance = new();
        public bool Equals(CoAttendanceUpdate? a, CoAttendanceUpdate? b) =>
            a is not null && b is not null && (a.MovieId, a.AtSeconds, a.Sign, a.AudienceCell, a.MemberId, a.EventOffset, a.Index) ==
            (b.MovieId, b.AtSeconds, b.Sign, b.AudienceCell, b.MemberId, b.EventOffset, b.Index) && a.Before.SequenceEqual(b.Before) && a.After.SequenceEqual(b.After);
        public int GetHashCode(CoAttendanceUpdate u) => u.MovieId;
    }
}
