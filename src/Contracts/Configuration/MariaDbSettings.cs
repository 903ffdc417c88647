namespace Insights.Contracts.Configuration;

/// <summary>
/// Where the cinema database is, bound from configuration section `MariaDb` (env: MariaDb__ConnectionString ...).
/// Both are MySqlConnector connection strings holding a password: from the environment or a secret store, never a
/// file in the repository, and never printed (errors name the server and port only).
/// </summary>
public sealed record MariaDbSettings
{
    public const string Section = "MariaDb";

    /// <summary>The application's account: the seed, the replay and the demo write the cinema's rows with it.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>The capture's replication account (REPLICATION SLAVE, REPLICATION CLIENT, SELECT), over TCP.</summary>
    public string CaptureConnectionString { get; init; } = "";
}
