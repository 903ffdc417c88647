using System.Runtime.InteropServices;
using Insights.TestSupport;

namespace Insights.DevTool.Tests.Bench;

/// <summary>What the benches read of a process: the CPU of the threads of one name (the runtime's background JIT), its minor page faults.</summary>
public sealed class LinuxProcessTests
{
    [Fact]
    public void Thread_CPU_counts_the_running_threads_of_that_name_and_no_other()
    {
        using var stop = new ManualResetEventSlim();
        var spinner = new Thread(() => { while (!stop.IsSet) Thread.SpinWait(1000); }) { Name = "cpu-probe-spinner" };
        var processAtStart = LinuxProcess.CpuSeconds(Environment.ProcessId);
        spinner.Start();
        try
        {
            Thread.Sleep(400);
            var named = LinuxProcess.ThreadCpuSeconds(Environment.ProcessId, "cpu-probe-spinner");
            // The spinner ran most of the 400 ms, and it is part of the process's CPU, never more.
            Assert.InRange(named, 0.1, LinuxProcess.CpuSeconds(Environment.ProcessId) - processAtStart);
        }
        finally
        {
            stop.Set();
            spinner.Join();
        }
        Assert.Equal(0, LinuxProcess.ThreadCpuSeconds(Environment.ProcessId, "no-thread-has-this-name"));
    }

    [Fact]
    public void Thread_CPU_of_a_process_that_is_gone_is_not_a_number() =>
        Assert.True(double.IsNaN(LinuxProcess.ThreadCpuSeconds(int.MaxValue, ".NET Tiered Compilation Worker")));

    [Fact]
    public void Minor_faults_count_the_pages_a_process_touches_for_the_first_time()
    {
        const int pages = 2_000;
        var before = LinuxProcess.MinorFaults(Environment.ProcessId);
        // 8 MB from malloc is a fresh anonymous mapping, mapped on first touch: one fault per page written.
        var memory = Marshal.AllocHGlobal(pages * 4096);
        try
        {
            for (var page = 0; page < pages; page++) Marshal.WriteByte(memory, page * 4096, 1);
            Assert.InRange(LinuxProcess.MinorFaults(Environment.ProcessId) - before, pages * 0.9, double.MaxValue);
        }
        finally { Marshal.FreeHGlobal(memory); }
    }

    [Fact]
    public void Minor_faults_of_a_process_that_is_gone_are_not_a_number() =>
        Assert.True(double.IsNaN(LinuxProcess.MinorFaults(int.MaxValue)));
}
