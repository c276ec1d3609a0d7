using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Storage.Files;
using Platform.Storage.Wal;

namespace Platform.Cli.Tests.Commands;

public sealed class NodeCommandTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private string WriteLog()
    {
        var wal = Path.Combine(dataDirectory, "wal");
        using var log = WriteAheadLog.Open(PhysicalFileSystem.Instance, wal, null, out _);
        for (var i = 1; i <= 3; i++)
        {
            log.PersistAsync(new GroupWrite(4) { HardState = new HardState(2, 1, i), Entries = [Entry.Normal(i, 2, new byte[40])] }).GetAwaiter().GetResult();
        }

        return Directory.GetFiles(wal, "*.wal").Single();
    }


    [Fact]
    public void A_healthy_log_reports_its_groups_and_exits_zero()
    {
        WriteLog();

        var (exitCode, output, _) = CliRunner.Run("node", "--check-wal", dataDirectory);

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Contains("records: 3", output, StringComparison.Ordinal);
        Assert.Contains("group 4: term 2, commit 3, entries 1..3", output, StringComparison.Ordinal);
        Assert.Contains("health: healthy", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupted_log_names_file_and_offset_and_exits_one()
    {
        var segment = WriteLog();
        var bytes = File.ReadAllBytes(segment);
        bytes[WalFraming.HeaderBytes + 5] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);

        var (exitCode, output, _) = CliRunner.Run("node", "--check-wal", dataDirectory);

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains($"CORRUPTED: {segment} at offset 0", output, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(segment));
    }

    [Fact]
    public void A_directory_without_a_log_is_an_error()
    {
        Directory.CreateDirectory(dataDirectory);

        var (exitCode, _, error) = CliRunner.Run("node", "--check-wal", dataDirectory);

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("no write-ahead log", error, StringComparison.Ordinal);
    }
}
