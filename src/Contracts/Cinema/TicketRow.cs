using System.Text.Json;
using Insights.Contracts.Debezium;

namespace Insights.Contracts.Cinema;

/// <summary>A row of cinema.tickets; Status is purchased or refunded. Price is DECIMAL(8,2).</summary>
public sealed record TicketRow(
    long TicketId,
    int MemberId,
    int SessionId,
    DateTime PurchasedAt,
    int Quantity,
    decimal Price,
    string Status,
    DateTimeOffset UpdatedAt)
{
    public const int PriceScale = 2;
    public const string Purchased = "purchased";
    public const string Refunded = "refunded";

    public bool IsRefunded => Status == Refunded;

    public static TicketRow Read(JsonElement row, DecimalHandling decimals = DecimalHandling.Precise)
    {
        var r = new RowReader(row, decimals);
        return new TicketRow(r.Int64("ticket_id"), r.Int32("member_id"), r.Int32("session_id"), r.DateTimeMillis("purchased_at"),
            r.Int32("quantity"), r.Decimal("price", PriceScale), r.String("status"), r.Timestamp("updated_at"));
    }
}
