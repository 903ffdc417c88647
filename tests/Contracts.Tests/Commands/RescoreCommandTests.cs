using System.Text;
using Insights.Contracts.Commands;

namespace Insights.Contracts.Tests.Commands;

public sealed class RescoreCommandTests
{
    [Fact]
    public void A_command_reads_back_as_written()
    {
        var command = RescoreCommand.New("snapshot s1 restored to topic");

        var read = RescoreCommand.Decode(RescoreCommand.Key, command.Encode());

        Assert.Equal(command, read);
        Assert.Equal("""{"schema":1,"id":"ID","reason":"snapshot s1 restored to topic","requested_at_ms":MS}""",
            Encoding.UTF8.GetString(command.Encode()).Replace(command.Id, "ID").Replace(command.RequestedAtMs.ToString(), "MS"));
    }

    [Fact]
    public void Each_new_command_has_an_id_of_its_own()
    {
        Assert.NotEqual(RescoreCommand.New("again").Id, RescoreCommand.New("again").Id);
    }

    [Theory]
    [InlineData("rescore", "{not json", "value is not a RescoreCommand")]
    [InlineData("rescore", "null", "value is JSON null")]
    [InlineData("rescore", """{"schema":2,"id":"a","reason":"r","requested_at_ms":1}""", "schema 2 is unknown")]
    [InlineData("rescore", """{"schema":1,"reason":"r","requested_at_ms":1}""", "value is not a RescoreCommand")]
    [InlineData("rescore", """{"schema":1,"id":" ","reason":"r","requested_at_ms":1}""", "id is empty")]
    [InlineData("refresh", """{"schema":1,"id":"a","reason":"r","requested_at_ms":1}""", "command key 'refresh' is unknown")]
    public void A_malformed_record_is_refused_naming_why(string key, string value, string reason)
    {
        var refused = Assert.Throws<FormatException>(() => RescoreCommand.Decode(key, Encoding.UTF8.GetBytes(value)));

        Assert.Contains(reason, refused.Message);
    }

    [Fact]
    public void A_tombstone_withdraws_the_command_only_under_the_commands_key()
    {
        Assert.Null(RescoreCommand.Withdrawn(RescoreCommand.Key));
        Assert.Throws<FormatException>(() => RescoreCommand.Withdrawn("anything"));
    }
}
