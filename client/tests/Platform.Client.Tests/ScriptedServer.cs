using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.Client.Tests;

/// <summary>
/// A server on loopback that answers each request with the next scripted answer (the last one
/// repeats) and records what it was sent: the way to make "503, Retry-After: 2" happen on cue, to
/// test what the client does with it. The platform's own answers are tested against real nodes.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Func<HttpContext, int, Task>[] script;
    private int served;

    private ScriptedServer(WebApplication app, Func<HttpContext, int, Task>[] script)
    {
        this.app = app;
        this.script = script;
    }

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<(string Method, string PathAndQuery, string? IdempotencyKey)> Received { get; } = new();

    public int Served => Volatile.Read(ref served);

    public static async Task<ScriptedServer> StartAsync(params Func<HttpContext, int, Task>[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ScriptedServer(app, script);
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Urls.First());
        return server;
    }

    private Task AnswerAsync(HttpContext context)
    {
        Received.Enqueue((context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers["Idempotency-Key"].FirstOrDefault()));
        var index = Interlocked.Increment(ref served) - 1;
        return script[Math.Min(index, script.Length - 1)](context, index);
    }

    public static Func<HttpContext, int, Task> Problem(int status, string code, int? retryAfterSeconds = null) => (context, _) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return context.Response.WriteAsync($$"""{"type":"https://platform.invalid/problems/{{code}}","title":"{{code}}","status":{{status}},"detail":"scripted","code":"{{code}}"}""");
    };

    public static Func<HttpContext, int, Task> Json(string body, long revision = 0) => (context, _) =>
    {
        if (revision > 0)
        {
            context.Response.Headers["X-Config-Revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
