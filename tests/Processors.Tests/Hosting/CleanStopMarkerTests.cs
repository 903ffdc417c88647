using Insights.Processors.Hosting;

namespace Insights.Processors.Tests.Hosting;

/// <summary>
/// A worker resumes on its local stores only after a clean stop: a state folder a crash left behind is emptied at the
/// next start (its stores may hold effects that never reached Kafka), and nothing outside the application's folder is touched.
/// </summary>
public sealed class CleanStopMarkerTests : IDisposable
{
    private readonly string stateDir = Directory.CreateTempSubdirectory("insights-clean-stop-").FullName;

    [Fact]
    public void A_folder_left_without_a_clean_stop_is_emptied_at_the_next_start()
    {
        var store = TaskStore("app", "0_3");

        Assert.True(CleanStopMarker.PrepareForStart(stateDir, "app"));

        Assert.False(File.Exists(store));
        Assert.Empty(Directory.EnumerateFileSystemEntries(CleanStopMarker.ApplicationFolder(stateDir, "app")));
    }

    [Fact]
    public void After_a_clean_stop_the_next_start_keeps_the_stores_and_a_stop_after_it_is_unclean_again()
    {
        var store = TaskStore("app", "0_3");
        CleanStopMarker.MarkCleanStop(stateDir, "app");

        Assert.False(CleanStopMarker.PrepareForStart(stateDir, "app"));
        Assert.True(File.Exists(store));

        // The marker was consumed: a kill of this run leaves the folder unmarked.
        Assert.True(CleanStopMarker.PrepareForStart(stateDir, "app"));
        Assert.False(File.Exists(store));
    }

    [Fact]
    public void Another_application_sharing_the_state_dir_is_left_alone()
    {
        var other = TaskStore("other-app", "0_1");
        TaskStore("app", "0_1");

        CleanStopMarker.PrepareForStart(stateDir, "app");

        Assert.True(File.Exists(other));
    }

    [Fact]
    public void A_first_start_has_nothing_to_empty()
    {
        Assert.False(CleanStopMarker.PrepareForStart(stateDir, "app"));
    }

    private string TaskStore(string applicationId, string task)
    {
        var folder = Path.Combine(stateDir, applicationId, task, "rocksdb", "member-state");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "000001.log");
        File.WriteAllText(file, "written before the stop");
        return file;
    }

    public void Dispose() => Directory.Delete(stateDir, recursive: true);
}
