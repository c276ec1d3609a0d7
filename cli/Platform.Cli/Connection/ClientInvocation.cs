using System.CommandLine;
using System.Text.Json;
using Platform.Client;

namespace Platform.Cli.Connection;

/// <summary>
/// Runs one client command: resolves the target, makes the client, and turns every way a request
/// can fail into its exit code with one line on stderr (<c>code: detail</c> for a problem).
/// </summary>
public static class ClientInvocation
{
    public delegate Task<int> ClientAction(PlatformClient client, TextWriter output, TextWriter error, CancellationToken cancellationToken);

    public static async Task<int> RunAsync(ParseResult parseResult, ClientOptions options, ClientAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(action);
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        if (!ClientTarget.TryResolve(parseResult.GetValue(options.Endpoint), parseResult.GetValue(options.Token), ClientTarget.DefaultClusterFile, out var target, out var problem))
        {
            await error.WriteLineAsync(problem);
            return ExitCodes.Usage;
        }

        using var client = new PlatformClient(target!.Endpoint, target.Token);
        try
        {
            return await action(client, output, error, cancellationToken);
        }
        catch (PlatformProblemException e)
        {
            await error.WriteLineAsync($"{e.Code}: {e.Detail ?? e.Title ?? $"HTTP {e.Status}"}");
            return ExitCodeMap.ForStatus(e.Status);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            // No answer at all: connection refused, reset or a failed name lookup.
            await error.WriteLineAsync($"Unavailable: {target.Endpoint}: {e.Message}");
            return ExitCodes.Unavailable;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"{e.StatusCode}: {e.Message}");
            return ExitCodeMap.ForStatus((int)e.StatusCode!.Value);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"Unavailable: {target.Endpoint} did not answer in time");
            return ExitCodes.Unavailable;
        }
        catch (JsonException e)
        {
            await error.WriteLineAsync($"InvalidResponse: {target.Endpoint} answered with unexpected JSON: {e.Message}");
            return ExitCodes.Error;
        }
    }
}
