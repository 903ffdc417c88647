namespace Insights.Contracts.Debezium;

/// <summary>Debezium's <c>op</c> field.</summary>
public enum ChangeOperation
{
    /// <summary>"c": a row was inserted.</summary>
    Create,
    /// <summary>"u": a row was updated.</summary>
    Update,
    /// <summary>"d": a row was deleted.</summary>
    Delete,
    /// <summary>"r": a row read by the initial snapshot.</summary>
    Read,
    /// <summary>"t": the table was truncated.</summary>
    Truncate,
}

public static class ChangeOperationCodes
{
    public static string Code(this ChangeOperation op) => op switch
    {
        ChangeOperation.Create => "c",
        ChangeOperation.Update => "u",
        ChangeOperation.Delete => "d",
        ChangeOperation.Read => "r",
        ChangeOperation.Truncate => "t",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    public static ChangeOperation Parse(string? code) => code switch
    {
        "c" => ChangeOperation.Create,
        "u" => ChangeOperation.Update,
        "d" => ChangeOperation.Delete,
        "r" => ChangeOperation.Read,
        "t" => ChangeOperation.Truncate,
        _ => throw new FormatException($"unknown Debezium op '{code}' (expected c, u, d, r or t)"),
    };
}
