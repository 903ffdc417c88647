namespace Insights.DevTool.Demo;

/// <summary>Seat prices by screening format; a ticket's price is the seat price times its quantity.</summary>
public static class TicketPricing
{
    public static decimal SeatPrice(string format) => format switch
    {
        "2d" => 9.50m,
        "3d" => 11.75m,
        "imax" => 14.50m,
        "4dx" => 16.95m,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a session format of schema/cinema.sql"),
    };

    public static decimal PriceOf(string format, int quantity) => SeatPrice(format) * quantity;
}
