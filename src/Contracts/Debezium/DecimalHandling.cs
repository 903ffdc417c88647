namespace Insights.Contracts.Debezium;

/// <summary>Debezium's <c>decimal.handling.mode</c>: how DECIMAL columns appear in events.</summary>
public enum DecimalHandling
{
    /// <summary>Base64 of the unscaled two's-complement integer (Debezium's default).</summary>
    Precise,
    /// <summary>A JSON string with the plain number.</summary>
    String,
    /// <summary>A JSON number (loses precision beyond a double's).</summary>
    Double,
}
