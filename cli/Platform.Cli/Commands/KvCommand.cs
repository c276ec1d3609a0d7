using System.CommandLine;
using System.Globalization;
using Platform.Cli.Connection;
using Platform.Cli.Output;
using Platform.Client;
using Platform.Client.Models;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform kv put|get|del|ls|watch|history</c>: keys and values of a namespace (docs/api.md,
/// Commands), over <see cref="PlatformClient"/>.
/// </summary>
public static class KvCommand
{
    private const int PreviewChars = 60;

    public static Command Create()
    {
        var connection = new ClientOptions();
        var command = new Command("kv", "Read, write, list and watch the keys of a namespace.")
        {
            Put(connection), Get(connection), Delete(connection), List(connection), Watch(connection), History(connection),
        };
        connection.AddTo(command);
        return command;
    }

    private static Argument<string> Namespace() => new("NS") { Description = "The namespace." };

    private static Argument<string> Key() => new("KEY") { Description = "The key (may contain /)." };

    private static Option<long?> IfRevision() => new("--if-revision")
    {
        Description = "Only if the key's modRevision is still R (compare-and-swap); exit 4 otherwise.",
    };

    private static Command Put(ClientOptions connection)
    {
        var ns = Namespace();
        var key = Key();
        var value = new Argument<string?>("VALUE") { Description = "The value, as UTF-8 text.", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<FileInfo?>("--file") { Description = "Read the value's bytes from file F instead." };
        var ifRevision = IfRevision();
        var contentType = new Option<string?>("--content-type")
        {
            Description = "Content type stored with the value (default: text/plain; charset=utf-8 for VALUE, by extension for --file).",
        };
        var format = OutputFormat.Create("the answer of PUT /v1/ns/{ns}/kv/{key}");
        var command = new Command("put", "Write a key: `kv put NS KEY VALUE` or `kv put NS KEY --file F`.") { ns, key, value, file, ifRevision, contentType, format };
        command.Validators.Add(result =>
        {
            // Exactly one source of bytes; an empty VALUE ("") is a legitimate empty value.
            if ((result.GetValue(value) is null) == (result.GetValue(file) is null))
            {
                result.AddError("kv put takes either VALUE or --file F.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, error, ct) =>
        {
            byte[] bytes;
            string type;
            if (parseResult.GetValue(file) is { } source)
            {
                if (!source.Exists)
                {
                    await error.WriteLineAsync($"--file: {source.FullName} does not exist");
                    return ExitCodes.Usage;
                }

                bytes = await File.ReadAllBytesAsync(source.FullName, ct);
                type = parseResult.GetValue(contentType) ?? ContentTypes.ForFile(source.Name);
            }
            else
            {
                bytes = System.Text.Encoding.UTF8.GetBytes(parseResult.GetValue(value)!);
                type = parseResult.GetValue(contentType) ?? ContentTypes.Text;
            }

            var result = await client.PutAsync(parseResult.GetValue(ns)!, parseResult.GetValue(key)!, bytes, type, parseResult.GetValue(ifRevision), cancellationToken: ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                OutputFormat.WriteJson(output, result);
                return ExitCodes.Ok;
            }

            TextTable.WriteFields(output,
            [
                ("key", result.Key),
                ("revision", Text(result.Revision)),
                ("mod-revision", Text(result.ModRevision)),
                ("create-revision", Text(result.CreateRevision)),
                ("version", Text(result.Version)),
                ("region", result.Region),
                ("epoch", Text(result.Epoch)),
            ]);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Get(ClientOptions connection)
    {
        var ns = Namespace();
        var key = Key();
        var format = OutputFormat.Create("{key, value, valueBase64, contentType, createRevision, modRevision, version, revision}");
        var consistency = new Option<string?>("--consistency") { Description = "linearizable, serializable or cached (default: the server's)." };
        consistency.AcceptOnlyFromAmong("linearizable", "serializable", "cached");
        var revision = new Option<long?>("--revision") { Description = "Read the key as it was at revision N." };
        var command = new Command("get", "Read a key.") { ns, key, format, consistency, revision };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, _, ct) =>
        {
            var read = await client.GetAsync(
                parseResult.GetValue(ns)!,
                parseResult.GetValue(key)!,
                ParseConsistency(parseResult.GetValue(consistency)),
                parseResult.GetValue(revision),
                cancellationToken: ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                await output.WriteLineAsync(KvGetJson.Format(read.Value));
                return ExitCodes.Ok;
            }

            WriteEnvelope(output, read.Value, read.Metadata);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Delete(ClientOptions connection)
    {
        var ns = Namespace();
        var key = Key();
        var ifRevision = IfRevision();
        var format = OutputFormat.Create("{revision, deleted}");
        var command = new Command("del", "Delete a key.") { ns, key, ifRevision, format };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, error, ct) =>
        {
            var keyName = parseResult.GetValue(key)!;
            var result = await client.DeleteAsync(parseResult.GetValue(ns)!, keyName, parseResult.GetValue(ifRevision), cancellationToken: ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                // The answer goes to stdout either way; a key that was not there still exits 3.
                OutputFormat.WriteJson(output, result);
            }

            if (!result.Deleted)
            {
                // A server may answer a delete of a missing key with 200 and deleted=false rather than 404;
                // either way the command reports "not found".
                await error.WriteLineAsync($"KeyNotFound: {keyName} did not exist (revision {Text(result.Revision)})");
                return ExitCodes.NotFound;
            }

            if (parseResult.GetValue(format) != OutputFormat.Json)
            {
                await output.WriteLineAsync($"deleted {keyName} at revision {Text(result.Revision)}");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command List(ClientOptions connection)
    {
        var ns = Namespace();
        var prefix = new Option<string?>("--prefix") { Description = "Only keys starting with P." };
        var limit = new Option<int?>("--limit") { Description = "At most L keys (one page); without it every page is read." };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0)
            {
                result.AddError("--limit must be at least 1.");
            }
        });
        var format = OutputFormat.Create("{revision, items: [as kv get prints a key]}");
        var command = new Command("ls", "List the keys of a namespace.") { ns, prefix, limit, format };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, _, ct) =>
        {
            var items = new List<KeyEnvelope>();
            long? revision = null;
            if (parseResult.GetValue(limit) is { } max)
            {
                var page = (await client.ListAsync(parseResult.GetValue(ns)!, parseResult.GetValue(prefix), max, cancellationToken: ct)).Value;
                items.AddRange(page.Items);
                revision = page.Revision;
            }
            else
            {
                await foreach (var page in client.ListPagesAsync(parseResult.GetValue(ns)!, parseResult.GetValue(prefix), cancellationToken: ct))
                {
                    items.AddRange(page.Items);
                    revision = page.Revision;
                }
            }

            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                await output.WriteLineAsync(KvListJson.Format(revision, items));
                return ExitCodes.Ok;
            }

            TextTable.Write(output, ["KEY", "MOD-REVISION", "VERSION", "CONTENT-TYPE", "VALUE"],
                items.Select(i => (IReadOnlyList<string>)[i.Key, Text(i.ModRevision), Text(i.Version), i.ContentType ?? "-", ValueText.Preview(i.Value, PreviewChars)]));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Watch(ClientOptions connection)
    {
        var ns = Namespace();
        var prefix = new Option<string?>("--prefix") { Description = "Only keys starting with P." };
        var since = new Option<long?>("--since") { Description = "Replay the changes after revision N first." };
        var format = OutputFormat.Create("one {type, revision, key, value, valueBase64, contentType} per line");
        var command = new Command("watch", "Print one line per change (put, delete, progress, compacted) until Ctrl+C.") { ns, prefix, since, format };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, error, ct) =>
        {
            try
            {
                await foreach (var change in client.WatchAsync(parseResult.GetValue(ns)!, parseResult.GetValue(prefix), parseResult.GetValue(since), ct))
                {
                    await output.WriteLineAsync(parseResult.GetValue(format) == OutputFormat.Json ? WatchJson.Format(change) : WatchLine(change));
                    await output.FlushAsync(ct);
                    if (change.Kind == WatchEventKind.Compacted)
                    {
                        await error.WriteLineAsync("Compacted: the watch cannot continue from there; list again and watch from the listing's revision.");
                        return ExitCodes.Error;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C is how a watch ends: no error message. System.CommandLine still makes the
                // process exit 130 (128 + SIGINT), the shell convention for an interrupted command.
                return ExitCodes.Ok;
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command History(ClientOptions connection)
    {
        var ns = Namespace();
        var key = Key();
        var limit = new Option<int?>("--limit") { Description = "At most L versions." };
        var format = OutputFormat.Create("{revision, items: [as kv get prints a key]}");
        var command = new Command("history", "Show the past versions of a key.") { ns, key, limit, format };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, _, ct) =>
        {
            var history = await client.HistoryAsync(parseResult.GetValue(ns)!, parseResult.GetValue(key)!, parseResult.GetValue(limit), ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                await output.WriteLineAsync(KvListJson.Format(history.Value.Revision, history.Value.Items));
                return ExitCodes.Ok;
            }

            TextTable.Write(output, ["MOD-REVISION", "CREATE-REVISION", "VERSION", "CONTENT-TYPE", "VALUE"],
                history.Value.Items.Select(i => (IReadOnlyList<string>)[Text(i.ModRevision), Text(i.CreateRevision), Text(i.Version), i.ContentType ?? "-", ValueText.Preview(i.Value ?? [], PreviewChars)]));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>The readable form of <c>kv get</c>: the value, then its metadata.</summary>
    internal static void WriteEnvelope(TextWriter output, KeyEnvelope envelope, ReadMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(metadata);
        var text = ValueText.AsUtf8(envelope.Value);
        TextTable.WriteFields(output,
        [
            ("key", envelope.Key),
            ("content-type", envelope.ContentType),
            ("create-revision", Text(envelope.CreateRevision)),
            ("mod-revision", Text(envelope.ModRevision)),
            ("version", Text(envelope.Version)),
            ("revision", Text(envelope.Revision)),
            ("region", metadata.Region),
            (text is null ? "value (base64)" : "value", text is null ? Convert.ToBase64String(envelope.Value) : (text.Contains('\n', StringComparison.Ordinal) ? string.Empty : text)),
        ]);
        if (text is not null && text.Contains('\n', StringComparison.Ordinal))
        {
            // A multi-line value is printed as is below its label, so it can be read (or copied) whole.
            output.WriteLine(text.TrimEnd('\n'));
        }
    }

    /// <summary>One line per event: <c>KIND REVISION [KEY [VALUE]]</c>, the value escaped onto the line.</summary>
    internal static string WatchLine(WatchEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var parts = new List<string> { change.EventType, change.Revision is { } r ? Text(r) : "-" };
        if (change.Key is not null)
        {
            parts.Add(change.Key);
        }

        if (change.Kind == WatchEventKind.Put && change.Value is not null)
        {
            parts.Add(ValueText.OneLine(change.Value));
        }

        return string.Join(' ', parts);
    }

    private static ReadConsistency? ParseConsistency(string? text) => text switch
    {
        "linearizable" => ReadConsistency.Linearizable,
        "serializable" => ReadConsistency.Serializable,
        "cached" => ReadConsistency.Cached,
        _ => null,
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
