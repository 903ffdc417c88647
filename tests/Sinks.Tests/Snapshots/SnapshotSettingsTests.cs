using Insights.Sinks.Snapshots;

namespace Insights.Sinks.Tests.Snapshots;

public sealed class SnapshotSettingsTests
{
    [Fact]
    public void The_defaults_are_a_local_folder_hourly_keeping_24()
    {
        var settings = new SnapshotSettings();
        Assert.Null(settings.Problem());
        Assert.IsType<LocalFolderStore>(settings.CreateStore(new S3Endpoint()));
        Assert.Equal((3600, 24), (settings.IntervalSeconds, settings.Keep));
    }

    [Fact]
    public void Bad_values_are_reported_naming_their_keys()
    {
        Assert.StartsWith("Snapshots:Keep ", new SnapshotSettings { Keep = 0 }.Problem());
        Assert.StartsWith("Snapshots:InProgressGraceSeconds ", new SnapshotSettings { InProgressGraceSeconds = 10 }.Problem());
        Assert.StartsWith("Snapshots:Store ", new SnapshotSettings { Store = "disk" }.Problem());
        Assert.StartsWith("Snapshots:IntervalSeconds ", new SnapshotSettings { IntervalSeconds = -1 }.Problem());
        Assert.StartsWith("Snapshots:Prefix ", new SnapshotSettings { Prefix = "/x" }.Problem());
        Assert.StartsWith("S3:ServiceUrl ", new S3Endpoint { ServiceUrl = "nope" }.Problem());
        Assert.StartsWith("S3:AccessKey ", new S3Endpoint { AccessKey = "a" }.Problem());
    }
}
