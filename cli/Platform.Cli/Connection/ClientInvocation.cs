using System.CommandLine;
using System.Text.Json;
using Platform.Client;

namespace Platform.Cli.Connection;

/// <summary>
/// Runs one client command: resolves the target, makes the client, and turns every way a request
/// can fail into its exit code with a message on stderr (<c>code: detail</c>, and a hint, for a
/// problem answer).
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

        using var client = new PlatformClient(Retries(target!));
        var tried = string.Join(", ", target!.Endpoints);
        try
        {
            return await action(client, output, error, cancellationToken);
        }
        catch (PlatformProblemException e)
        {
            await error.WriteLineAsync(ProblemText.Describe(e));
            return ExitCodeMap.ForStatus(e.Status);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            // No answer at all: connection refused, reset or a failed name lookup.
            await error.WriteLineAsync($"Unavailable: {tried}: {e.Message}");
            return ExitCodes.Unavailable;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // A connection reset as it opened, which SocketsHttpHandler can let through unwrapped.
            await error.WriteLineAsync($"Unavailable: {tried}: {e.Message}");
            return ExitCodes.Unavailable;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"{e.StatusCode}: {e.Message}");
            return ExitCodeMap.ForStatus((int)e.StatusCode!.Value);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"Unavailable: {tried} did not answer in time");
            return ExitCodes.Unavailable;
        }
        catch (JsonException e)
        {
            await error.WriteLineAsync($"InvalidResponse: {client.Endpoint} answered with unexpected JSON: {e.Message}");
            return ExitCodes.Error;
        }
    }

    /// <summary>
    /// The SDK's rules, tuned for a person waiting at a prompt: a few quick tries, failover along
    /// the endpoints, writes retried only under the <c>Idempotency-Key</c> the client adds (so a
    /// retried <c>kv put</c> never applies twice), and no backoff longer than a couple of seconds
    /// unless the server's <c>Retry-After</c> asks for it.
    /// </summary>
    internal static PlatformClientOptions Retries(ClientTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new PlatformClientOptions
        {
            Endpoints = target.Endpoints,
            Token = target.Token,
            MaxAttempts = Math.Max(3, target.Endpoints.Count),
            BaseDelay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(2),
            AttemptTimeout = TimeSpan.FromSeconds(60),
        };
    }
}
