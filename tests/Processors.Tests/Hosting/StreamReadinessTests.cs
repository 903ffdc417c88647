using Insights.Processors.Hosting;

namespace Insights.Processors.Tests.Hosting;

/// <summary>
/// A worker is ready only while it does its work: the stream RUNNING, no thread rebalancing, at least one task, every
/// task RUNNING and every thread with tasks polling Kafka. Streamiz's state alone says RUNNING in most of the cases
/// below; each not-ready answer names its cause in one line.
/// </summary>
public sealed class StreamReadinessTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(10);

    private static ThreadFacts Thread(string state = "RUNNING", bool rebalancing = false, TimeSpan? sincePoll = null, params string[] tasks) =>
        new("worker-stream-thread-0", state, rebalancing, tasks, Now - (sincePoll ?? TimeSpan.FromMilliseconds(20)));

    private static StreamFacts Facts(string stream = "RUNNING", int? assigned = 4, params ThreadFacts[] threads) => new(stream, threads, assigned, Now);

    [Fact]
    public void A_running_stream_whose_tasks_all_run_and_poll_is_ready()
    {
        var facts = Facts(threads: Thread(tasks: ["RUNNING", "RUNNING", "RUNNING"]));

        Assert.Null(StreamReadiness.Decide(facts, StallLimit));
    }

    [Theory]
    [InlineData("CREATED", NotReadyKind.Starting, "starting: the stream is CREATED")]
    [InlineData("REBALANCING", NotReadyKind.Rebalancing, "rebalancing: the stream is REBALANCING")]
    [InlineData("PENDING_SHUTDOWN", NotReadyKind.Stopped, "stopped: the stream is PENDING_SHUTDOWN")]
    [InlineData("NOT_RUNNING", NotReadyKind.Stopped, "stopped: the stream is NOT_RUNNING")]
    [InlineData("ERROR", NotReadyKind.Failed, "failed: the stream is in ERROR")]
    public void A_stream_that_is_not_running_is_not_ready_whatever_its_tasks(string state, NotReadyKind kind, string reason)
    {
        var facts = Facts(state, threads: Thread(tasks: ["RUNNING"]));

        Assert.Equal(new NotReady(kind, reason), StreamReadiness.Decide(facts, StallLimit));
    }

    [Theory]
    [InlineData("PARTITIONS_REVOKED", false)]
    [InlineData("PARTITIONS_ASSIGNED", false)]
    [InlineData("RUNNING", true)]
    public void A_thread_between_revocation_and_assignment_is_rebalancing_though_the_stream_says_running(string threadState, bool managerRebalancing)
    {
        var facts = Facts(threads: Thread(threadState, managerRebalancing, tasks: ["RUNNING"]));

        var notReady = StreamReadiness.Decide(facts, StallLimit);

        Assert.Equal(NotReadyKind.Rebalancing, notReady?.Kind);
        Assert.Equal($"rebalancing: stream thread worker-stream-thread-0 is {threadState}", notReady?.Reason);
    }

    [Fact]
    public void Tasks_restoring_their_stores_keep_the_worker_not_ready_while_streamiz_says_running()
    {
        var facts = Facts(threads: Thread(tasks: ["RUNNING", "RESTORING", "CREATED", "RESTORING"]));

        Assert.Equal(new NotReady(NotReadyKind.Restoring, "restoring: 3 of 4 tasks are not restored yet (1 CREATED, 2 RESTORING)"),
            StreamReadiness.Decide(facts, StallLimit));
    }

    [Fact]
    public void A_worker_the_group_assigned_no_partition_is_idle_and_says_so()
    {
        var facts = Facts(assigned: 0, threads: Thread());

        var notReady = StreamReadiness.Decide(facts, StallLimit);

        Assert.Equal(NotReadyKind.Idle, notReady?.Kind);
        Assert.Equal("idle: the consumer group assigned this worker no partitions (more workers than partitions)", notReady?.Reason);
    }

    [Fact]
    public void A_worker_not_assigned_anything_yet_waits_for_the_group()
    {
        var facts = Facts(assigned: null, threads: Thread("STARTING"));

        Assert.Equal(NotReadyKind.WaitingForAssignment, StreamReadiness.Decide(facts, StallLimit)?.Kind);
    }

    [Fact]
    public void A_running_thread_whose_tasks_were_dropped_after_a_fenced_commit_has_no_running_task()
    {
        // Streamiz drops every task of a thread whose offset commit the coordinator refused ("Group rebalance in
        // progress"), keeps the thread and the stream RUNNING and rejoins the group.
        var facts = Facts(assigned: 6, threads: Thread());

        var notReady = StreamReadiness.Decide(facts, StallLimit);

        Assert.Equal(NotReadyKind.NoRunningTask, notReady?.Kind);
        Assert.StartsWith("no running task: 6 partitions assigned but no task holds them", notReady?.Reason);
    }

    [Fact]
    public void Suspended_or_closed_tasks_are_not_running_tasks()
    {
        var none = StreamReadiness.Decide(Facts(threads: Thread(tasks: ["SUSPENDED", "CLOSED"])), StallLimit);
        var some = StreamReadiness.Decide(Facts(threads: Thread(tasks: ["RUNNING", "SUSPENDED"])), StallLimit);

        Assert.Equal(new NotReady(NotReadyKind.NoRunningTask, "no running task: 2 tasks, 1 CLOSED, 1 SUSPENDED"), none);
        Assert.Equal(new NotReady(NotReadyKind.NoRunningTask, "not every task runs: 1 of 2 RUNNING, 1 SUSPENDED"), some);
    }

    [Fact]
    public void A_thread_holding_tasks_that_has_not_polled_within_the_limit_is_stalled()
    {
        var facts = Facts(threads: Thread(sincePoll: TimeSpan.FromSeconds(42), tasks: ["RUNNING", "RUNNING"]));

        Assert.Equal(new NotReady(NotReadyKind.PollStalled, "no poll for 42 s: stream thread worker-stream-thread-0 holds 2 tasks (limit 10 s)"),
            StreamReadiness.Decide(facts, StallLimit));
    }

    [Fact]
    public void A_poll_just_inside_the_limit_is_progress()
    {
        var facts = Facts(threads: Thread(sincePoll: StallLimit - TimeSpan.FromMilliseconds(1), tasks: ["RUNNING"]));

        Assert.Null(StreamReadiness.Decide(facts, StallLimit));
    }

    [Fact]
    public void An_idle_thread_beside_a_working_one_neither_stalls_nor_idles_the_worker()
    {
        // More threads than partitions: one thread has nothing to poll for, the worker still does its work.
        var idle = Thread(sincePoll: TimeSpan.FromMinutes(5)) with { Name = "worker-stream-thread-1" };
        var facts = Facts(threads: [Thread(tasks: ["RUNNING"]), idle]);

        Assert.Null(StreamReadiness.Decide(facts, StallLimit));
    }

    [Fact]
    public void A_thread_that_has_not_polled_yet_is_not_counted_as_stalled()
    {
        var facts = Facts(threads: new ThreadFacts("worker-stream-thread-0", "RUNNING", false, ["RUNNING"], LastPoll: null));

        Assert.Null(StreamReadiness.Decide(facts, StallLimit));
    }
}
