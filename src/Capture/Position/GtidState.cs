namespace Insights.Capture.Position;

/// <summary>
/// A MariaDB GTID position: the last GTID per replication domain, written "domain-server-seq,..." as
/// @@gtid_binlog_pos, BINLOG_GTID_POS() and @slave_connect_state use it.
/// </summary>
public sealed class GtidState
{
    private readonly SortedDictionary<uint, (uint Server, ulong Sequence)> domains = new();

    public static GtidState Parse(string? text)
    {
        var state = new GtidState();
        if (string.IsNullOrWhiteSpace(text)) return state;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = part.Split('-');
            if (fields.Length != 3 || !uint.TryParse(fields[0], out var domain) || !uint.TryParse(fields[1], out var server) || !ulong.TryParse(fields[2], out var seq))
                throw new FormatException($"'{part}' is not a MariaDB GTID (domain-server-sequence)");
            state.domains[domain] = (server, seq);
        }
        return state;
    }

    public void Apply(uint domain, uint server, ulong sequence) => domains[domain] = (server, sequence);

    public GtidState Copy()
    {
        var copy = new GtidState();
        foreach (var (domain, value) in domains) copy.domains[domain] = value;
        return copy;
    }

    public bool IsEmpty => domains.Count == 0;

    public override string ToString() => string.Join(',', domains.Select(d => $"{d.Key}-{d.Value.Server}-{d.Value.Sequence}"));
}
