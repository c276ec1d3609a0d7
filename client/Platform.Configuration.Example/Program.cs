using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Configuration;
using Platform.Configuration.Example;

// Run `platform up`, then:
//   platform ns create payments --mode strong-global
//   platform kv put payments app/checkout/newFlow true
//   dotnet run --project client/Platform.Configuration.Example
//   platform kv put payments app/checkout/maxItems 80     (the service prints its new options)
// The endpoints and the token come from ./.platform/cluster.json (the edge of each region first).
var cluster = JsonDocument.Parse(File.ReadAllText(args.FirstOrDefault() ?? Path.Combine(".platform", "cluster.json"))).RootElement;
var endpoints = cluster.GetProperty("regions").EnumerateArray()
    .SelectMany(r => (r.TryGetProperty("edge", out var edge) ? [edge.GetProperty("http").GetString()!] : Array.Empty<string>())
        .Concat(r.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("http").GetString()!)))
    .Select(url => new Uri(url))
    .ToList();

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddPlatformConfig(o =>
{
    o.Endpoints = endpoints;
    o.Token = cluster.GetProperty("adminToken").GetString();
    o.Namespace = "payments";
    o.Prefix = "app/";
});
builder.Services.Configure<CheckoutOptions>(builder.Configuration.GetSection("checkout"));
using var host = builder.Build();

var monitor = host.Services.GetRequiredService<IOptionsMonitor<CheckoutOptions>>();
Print("start", monitor.CurrentValue);
using var subscription = monitor.OnChange(options => Print("changed", options));
await host.RunAsync();

static void Print(string when, CheckoutOptions options) =>
    Console.WriteLine($"{DateTime.Now:HH:mm:ss} {when}: newFlow={options.NewFlow} maxItems={options.MaxItems} currency={options.Currency}");
