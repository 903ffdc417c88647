using Insights.Processors.Members;

namespace Insights.Processors.Tests.Members;

/// <summary>Which outbox changes count as sent and as delivered, and what a commit stores for a restarted task.</summary>
public sealed class OutboxWatermarksTests
{
    private const int Source = 3, OtherSource = 3 + 65_536;

    /// <summary>A new task's marks after one flush sent a change of <see cref="Source"/> at offset 40.</summary>
    private static OutboxWatermarks AfterOneFlush(bool transactionalCommits)
    {
        var marks = new OutboxWatermarks(transactionalCommits);
        marks.Restore(null);
        marks.Sending(Source, 40);
        marks.FlushEnded();
        return marks;
    }

    [Fact]
    public void A_change_counts_as_forwarded_once_its_flush_ended_not_while_the_flush_still_sends()
    {
        var marks = new OutboxWatermarks(transactionalCommits: false);
        marks.Restore(null);

        marks.Sending(Source, 40);
        // Another member of the same flush may hold an older change of the same source: it must still go.
        Assert.False(marks.Forwarded(Source, 12));
        marks.FlushEnded();

        Assert.True(marks.Forwarded(Source, 12));
        Assert.True(marks.Forwarded(Source, 40));
        Assert.False(marks.Forwarded(Source, 41));
        Assert.False(marks.Forwarded(OtherSource, 12));
    }

    [Fact]
    public void A_change_counts_as_delivered_only_after_a_commit_that_followed_its_flush()
    {
        var marks = AfterOneFlush(transactionalCommits: false);

        Assert.False(marks.Delivered(Source, 40));
        marks.Committing();

        Assert.True(marks.Delivered(Source, 40));
        Assert.False(marks.Delivered(OtherSource, 40));
    }

    [Fact]
    public void A_commit_stores_what_the_commit_before_it_delivered_never_its_own()
    {
        var marks = AfterOneFlush(transactionalCommits: false);

        // The first commit's producer flush may still fail: the marks it would deliver are not stored with it.
        Assert.Null(marks.Committing());
        marks.Sending(Source, 90);
        marks.FlushEnded();
        var stored = marks.Committing();

        Assert.NotNull(stored);
        Assert.Equal(new Dictionary<int, long> { [Source] = 40 }, OutboxWatermarks.Decode(stored));
    }

    [Fact]
    public void A_transactional_commit_stores_its_own_marks_with_its_batches()
    {
        var marks = AfterOneFlush(transactionalCommits: true);

        var stored = marks.Committing();

        Assert.NotNull(stored);
        Assert.Equal(new Dictionary<int, long> { [Source] = 40 }, OutboxWatermarks.Decode(stored));
        Assert.True(marks.Delivered(Source, 40));
    }

    [Fact]
    public void A_commit_with_nothing_newly_delivered_stores_nothing()
    {
        var marks = AfterOneFlush(transactionalCommits: false);
        marks.Committing();
        Assert.NotNull(marks.Committing());

        Assert.Null(marks.Committing());
    }

    [Fact]
    public void A_restored_task_treats_the_stored_marks_as_sent_and_delivered()
    {
        var marks = new OutboxWatermarks(transactionalCommits: false);
        marks.Restore(OutboxWatermarks.Encode(new Dictionary<int, long> { [Source] = 40, [OtherSource] = 7 }));

        Assert.True(marks.Forwarded(Source, 40) && marks.Delivered(Source, 40));
        Assert.True(marks.Forwarded(OtherSource, 7) && marks.Delivered(OtherSource, 7));
        Assert.False(marks.Forwarded(Source, 41));
        // Restored marks are already stored: the first commit writes nothing new.
        Assert.Null(marks.Committing());
    }

    [Fact]
    public void Damaged_marks_are_a_format_error()
    {
        var bytes = OutboxWatermarks.Encode(new Dictionary<int, long> { [Source] = 40 });

        Assert.Throws<FormatException>(() => OutboxWatermarks.Decode(bytes[..^2]));
    }
}
