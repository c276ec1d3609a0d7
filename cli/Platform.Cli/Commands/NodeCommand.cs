using System.CommandLine;
using Platform.Storage.Files;
using Platform.Storage.Wal;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform node</c>: runs one node (the issue "Regional service" builds the host), and
/// <c>platform node --check-wal DIR</c>: reports the health of a node's write-ahead log.
/// </summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var checkWal = new Option<DirectoryInfo?>("--check-wal")
        {
            Description = "Report the health of the write-ahead log in DIR (a node's data directory or its wal/ folder); exit 0 healthy, 1 damaged.",
        };
        var command = new Command("node", "Run one node, or check a node's write-ahead log.") { checkWal };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (parseResult.GetValue(checkWal) is { } directory)
            {
                return WalCheck.Run(directory.FullName, output, error);
            }

            error.WriteLine("platform node: the node host (Orleans silo + HTTP API) is not built yet; only --check-wal DIR works today.");
            return ExitCodes.Error;
        });
        return command;
    }
}

/// <summary>Reads a write-ahead log without changing it and prints what recovery would find.</summary>
public static class WalCheck
{
    public static int Run(string directory, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var walDirectory = Directory.Exists(Path.Combine(directory, "wal")) ? Path.Combine(directory, "wal") : directory;
        if (!Directory.Exists(walDirectory) || Directory.GetFiles(walDirectory, WalSegmentName.Pattern).Length == 0)
        {
            error.WriteLine($"no write-ahead log segments (*.wal) in '{walDirectory}'");
            return ExitCodes.Error;
        }

        var scan = WalReader.Scan(PhysicalFileSystem.Instance, walDirectory);
        output.WriteLine($"write-ahead log: {walDirectory}");
        output.WriteLine($"segments: {scan.Segments.Count}, records: {scan.Records}, bytes: {scan.Bytes}, last sequence: {scan.LastSequence}");
        foreach (var group in scan.Groups.Values.OrderBy(g => g.Group))
        {
            output.WriteLine($"group {group.Group}: term {group.HardState.Term}, commit {group.HardState.Commit}, entries {group.CompactedThrough + 1}..{group.LastIndex}");
        }

        output.WriteLine($"health: {scan.Health}");
        return scan.Health.Condition == WalCondition.Corrupted ? ExitCodes.Error : ExitCodes.Ok;
    }
}
