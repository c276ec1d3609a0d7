using System.CommandLine;
using Platform.Cli.Connection;
using Platform.Cli.Output;
using Platform.Client.Models;

namespace Platform.Cli.Commands;

/// <summary><c>platform token create|revoke</c>: bearer tokens with namespace grants.</summary>
public static class TokenCommand
{
    private static readonly string[] Roles = ["reader", "writer", "admin"];

    public static Command Create()
    {
        var connection = new ClientOptions();
        var command = new Command("token", "Create and revoke bearer tokens.") { CreateToken(connection), Revoke(connection) };
        connection.AddTo(command);
        return command;
    }

    private static Command CreateToken(ClientOptions connection)
    {
        var name = new Argument<string>("NAME") { Description = "The token's name (used to revoke it)." };
        var grants = new Option<string[]>("--grant")
        {
            Description = "PATTERN=ROLE: a namespace pattern (pay*) and reader, writer or admin; repeat for more grants.",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        grants.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!TryParseGrant(text, out _, out var problem))
                {
                    result.AddError(problem!);
                }
            }
        });
        var format = OutputFormat.Create("{name, token, grants}");
        var command = new Command("create", "Create a token; its secret is printed once, alone on stdout.") { name, grants, format };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, error, ct) =>
        {
            var parsed = parseResult.GetValue(grants)!.Select(text => TryParseGrant(text, out var grant, out _) ? grant! : throw new InvalidOperationException("validated above")).ToList();
            var created = await client.CreateTokenAsync(parseResult.GetValue(name)!, parsed, ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                OutputFormat.WriteJson(output, created);
                return ExitCodes.Ok;
            }

            // Only the secret goes to stdout, so `TOKEN=$(platform token create ...)` captures it.
            await output.WriteLineAsync(created.Token);
            await error.WriteLineAsync($"token {created.Name} created; the secret above is shown only once.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Revoke(ClientOptions connection)
    {
        var name = new Argument<string>("NAME") { Description = "The token's name." };
        var format = OutputFormat.Create("{name, revoked}");
        var command = new Command("revoke", "Revoke a token.") { name, format };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, _, ct) =>
        {
            await client.RevokeTokenAsync(parseResult.GetValue(name)!, ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                OutputFormat.WriteJson(output, new { name = parseResult.GetValue(name), revoked = true });
                return ExitCodes.Ok;
            }

            await output.WriteLineAsync($"revoked token {parseResult.GetValue(name)}");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>Parses <c>pattern=role</c>; the last <c>=</c> separates them, so a pattern may not end in one.</summary>
    internal static bool TryParseGrant(string text, out TokenGrant? grant, out string? error)
    {
        grant = null;
        error = null;
        var separator = text.LastIndexOf('=');
        var pattern = separator < 0 ? string.Empty : text[..separator].Trim();
        var role = separator < 0 ? string.Empty : text[(separator + 1)..].Trim();
        if (pattern.Length == 0 || !Roles.Contains(role))
        {
            error = $"--grant '{text}': expected PATTERN=ROLE with ROLE one of {string.Join(", ", Roles)}, e.g. 'pay*=reader'.";
            return false;
        }

        grant = new TokenGrant(pattern, role);
        return true;
    }
}
