using System.Text.Json;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Insights.TestSupport;
using MySqlConnector;

namespace Insights.Fixtures.MariaDb;

/// <summary>
/// A MariaDB 10.11 with row-based binlog CDC settings, the `cinema` database and two users: `insights`
/// (all on cinema.*) and `insights_capture` (replication privileges). With Docker it is the mariadb:10.11
/// image via Testcontainers; without, the Debian package started by stack/parts/mariadb.sh in a temp folder.
/// Use as an xunit class or collection fixture.
/// </summary>
public sealed class MariaDbServer : IAsyncLifetime
{
    private StackPart? local;
    private IContainer? container;

    /// <summary>Server settings added to the CDC ones, name=value as in my.cnf (e.g. log_bin_compress=ON).</summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    public string ConnectionString { get; private set; } = "";
    public string CaptureConnectionString { get; private set; } = "";
    /// <summary>Full privileges, for tests that create schemas, purge binlogs or shut the server down.</summary>
    public string RootConnectionString { get; private set; } = "";
    public int Port { get; private set; }
    public bool IsContainer => container is not null;

    public async ValueTask InitializeAsync()
    {
        if (DockerEngine.IsAvailable) await StartContainerAsync();
        else await StartLocalAsync();
    }

    private async Task StartLocalAsync()
    {
        // One retry on a fresh port and folder: a free port can be taken by a parallel test between probe and
        // bind, and a server left over from the first attempt must not hold the second one's data files.
        string dir;
        for (var attempt = 1; ; attempt++)
        {
            dir = Directory.CreateTempSubdirectory("insights-mariadb-").FullName;
            Port = LoopbackPort.Next();
            local = new StackPart("mariadb", dir, new Dictionary<string, string>
            {
                ["INSIGHTS_MARIADB_PORT"] = Port.ToString(), ["INSIGHTS_MARIADB_SETTINGS"] = string.Join('\n', Settings),
                // Test runs start a dozen servers at once beside busy test hosts on two cores: allow more than a
                // developer's 60 s.
                ["INSIGHTS_STACK_TIMEOUT"] = "180",
            });
            try { await local.UpAsync(); break; }
            catch (InvalidOperationException) when (attempt < 2) { await local.DownAsync(); }
        }
        using var endpoint = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "mariadb.json")));
        var mariaDb = endpoint.RootElement.GetProperty("MariaDb");
        ConnectionString = mariaDb.GetProperty("ConnectionString").GetString()!;
        CaptureConnectionString = mariaDb.GetProperty("CaptureConnectionString").GetString()!;
        var socket = Path.Combine(dir, "mariadb", "mariadb.sock");
        RootConnectionString = $"Server={socket};Protocol=Unix;User ID=root;Database=cinema";
    }

    private async Task StartContainerAsync()
    {
        container = new ContainerBuilder("mariadb:10.11")
            .WithEnvironment("MARIADB_ROOT_PASSWORD", "test-only-root")
            .WithEnvironment("MARIADB_DATABASE", "cinema")
            .WithPortBinding(3306, true)
            .WithCommand(["--server-id=1", "--log-bin=binlog", "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL", "--gtid-strict-mode=ON", .. Settings.Select(s => "--" + s)])
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("ready for connections", o => o.WithTimeout(TimeSpan.FromMinutes(2))))
            .Build();
        await container.StartAsync();
        UseContainerPort();
        await using (var root = new MySqlConnection(RootConnectionString))
        {
            await root.OpenAsync();
            var schema = Path.Combine(RepositoryPaths.Root, "schema", "cinema.sql");
            var sql = """
                CREATE USER IF NOT EXISTS 'insights'@'%' IDENTIFIED BY 'test-only-app';
                GRANT ALL PRIVILEGES ON cinema.* TO 'insights'@'%';
                CREATE USER IF NOT EXISTS 'insights_capture'@'%' IDENTIFIED BY 'test-only-capture';
                GRANT REPLICATION SLAVE, BINLOG MONITOR, RELOAD, SELECT, SHOW DATABASES ON *.* TO 'insights_capture'@'%';
                """ + (File.Exists(schema) ? await File.ReadAllTextAsync(schema) : "");
            await using var command = new MySqlCommand(sql, root);
            await command.ExecuteNonQueryAsync();
        }
    }

    // Test-only credentials of a throwaway container; the published port changes when it restarts.
    private void UseContainerPort()
    {
        Port = container!.GetMappedPublicPort(3306);
        var host = $"Server={container.Hostname};Port={Port}";
        RootConnectionString = $"{host};User ID=root;Password=test-only-root;Database=cinema";
        ConnectionString = $"{host};Database=cinema;User ID=insights;Password=test-only-app";
        CaptureConnectionString = $"{host};User ID=insights_capture;Password=test-only-capture";
    }

    /// <summary>Stops the server cleanly and starts it again on the same port and data (binlog rotates).</summary>
    public async Task RestartAsync()
    {
        if (container is not null) { await container.StopAsync(); await container.StartAsync(); UseContainerPort(); return; }
        await local!.DownAsync();
        await local.UpAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (container is not null) await container.DisposeAsync();
        if (local is not null)
        {
            await local.DownAsync();
            try { Directory.Delete(local.StackDir, recursive: true); } catch (IOException) { }
        }
    }
}
