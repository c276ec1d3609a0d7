using System.Text;
using Platform.Cli.Commands;
using Platform.Client.Models;

namespace Platform.Cli.Tests.Commands;

public sealed class KvCommandTests
{
    [Theory]
    [InlineData("kv")]
    [InlineData("kv", "put", "ns", "key")]
    [InlineData("kv", "put", "ns", "key", "value", "--file", "f.json")]
    [InlineData("kv", "put", "ns", "key", "value", "--if-revision", "abc")]
    [InlineData("kv", "get", "ns")]
    [InlineData("kv", "get", "ns", "key", "--output", "yaml")]
    [InlineData("kv", "get", "ns", "key", "--consistency", "eventual")]
    [InlineData("kv", "get", "ns", "key", "--revision", "x")]
    [InlineData("kv", "del", "ns")]
    [InlineData("kv", "ls")]
    [InlineData("kv", "ls", "ns", "--limit", "0")]
    [InlineData("kv", "watch", "ns", "--since", "soon")]
    [InlineData("kv", "history", "ns")]
    [InlineData("kv", "history", "ns", "key", "--limit", "many")]
    [InlineData("kv", "frobnicate", "ns")]
    public void Usage_errors_exit_with_two(params string[] args)
    {
        var (exitCode, _, error) = CliRunner.Run(ClosedEndpoint.With(args));

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("kv", "put", "ns", "app/color", "blue", "--if-revision", "4", "--content-type", "text/plain")]
    [InlineData("kv", "put", "ns", "empty", "")]
    [InlineData("kv", "get", "ns", "app/color", "--output", "json", "--consistency", "serializable", "--revision", "3")]
    [InlineData("kv", "del", "ns", "app/color", "--if-revision", "4")]
    [InlineData("kv", "ls", "ns", "--prefix", "app/", "--limit", "10")]
    [InlineData("kv", "watch", "ns", "--prefix", "app/", "--since", "12")]
    [InlineData("kv", "history", "ns", "app/color", "--limit", "5")]
    public void Well_formed_commands_try_the_endpoint_and_exit_five_when_nothing_answers(params string[] args)
    {
        var (exitCode, output, error) = CliRunner.Run(ClosedEndpoint.With(args));

        Assert.Equal(ExitCodes.Unavailable, exitCode);
        Assert.StartsWith("Unavailable: ", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public void The_endpoint_may_also_be_given_on_the_group()
    {
        var (exitCode, _, _) = CliRunner.Run(["kv", .. ClosedEndpoint.Options(), "get", "ns", "key"]);

        Assert.Equal(ExitCodes.Unavailable, exitCode);
    }

    [Fact]
    public void Put_from_a_missing_file_is_a_usage_error()
    {
        var (exitCode, _, error) = CliRunner.Run(ClosedEndpoint.With("kv", "put", "ns", "key", "--file", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_of_get_shows_the_value_and_its_metadata()
    {
        using var output = new StringWriter();

        KvCommand.WriteEnvelope(output, new KeyEnvelope("app/color", Encoding.UTF8.GetBytes("blue"), "text/plain", 3, 5, 2, 9), new ReadMetadata(9, "eu-west", "\"5\"", null, false, null, null));

        var text = output.ToString();
        Assert.Matches(@"(?m)^value:\s+blue$", text);
        Assert.Matches(@"(?m)^mod-revision:\s+5$", text);
        Assert.Matches(@"(?m)^create-revision:\s+3$", text);
        Assert.Matches(@"(?m)^version:\s+2$", text);
        Assert.Matches(@"(?m)^revision:\s+9$", text);
        Assert.Matches(@"(?m)^content-type:\s+text/plain$", text);
        Assert.Matches(@"(?m)^region:\s+eu-west$", text);
    }

    [Fact]
    public void The_table_of_get_shows_binary_as_base64_and_multi_line_text_whole()
    {
        using var binary = new StringWriter();
        using var lines = new StringWriter();

        KvCommand.WriteEnvelope(binary, new KeyEnvelope("b", [0xFF, 0x00], null, 1, 1, 1, 1), new ReadMetadata(null, null, null, null, false, null, null));
        KvCommand.WriteEnvelope(lines, new KeyEnvelope("y", Encoding.UTF8.GetBytes("a: 1\nb: 2\n"), "application/yaml", 1, 1, 1, 1), new ReadMetadata(null, null, null, null, false, null, null));

        Assert.Matches(@"(?m)^value \(base64\):\s+/wA=$", binary.ToString());
        Assert.EndsWith($"a: 1{Environment.NewLine}b: 2{Environment.NewLine}", lines.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_watch_event_is_one_line()
    {
        var put = new WatchEvent(WatchEventKind.Put, "put", 17, "app/color", Encoding.UTF8.GetBytes("dark\nblue"), "text/plain", "{}");
        var delete = new WatchEvent(WatchEventKind.Delete, "delete", 18, "app/color", null, null, "{}");
        var progress = new WatchEvent(WatchEventKind.Progress, "progress", 20, null, null, null, "{}");

        Assert.Equal("put 17 app/color dark\\nblue", KvCommand.WatchLine(put));
        Assert.Equal("delete 18 app/color", KvCommand.WatchLine(delete));
        Assert.Equal("progress 20", KvCommand.WatchLine(progress));
    }
}
