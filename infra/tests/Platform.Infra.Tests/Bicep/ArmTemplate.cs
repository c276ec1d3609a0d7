using System.Text.Json;

namespace Platform.Infra.Tests;

/// <summary>
/// A compiled ARM template, read the way the deployment engine reads it: resources keyed by
/// symbolic name (languageVersion 2.0, what Bicep emits once user-defined types are used) or in
/// an array (1.0), and modules as nested deployments that carry their own template.
/// </summary>
internal sealed class ArmTemplate(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public static ArmTemplate Load(string path) => new(JsonDocument.Parse(File.ReadAllText(path)).RootElement);

    public static ArmTemplate Parse(string json) => new(JsonDocument.Parse(json).RootElement);

    /// <summary>Every resource with its symbolic name (or its index, in a 1.0 template).</summary>
    public IEnumerable<(string Symbol, JsonElement Resource)> Resources
    {
        get
        {
            if (!Root.TryGetProperty("resources", out var resources))
            {
                yield break;
            }

            if (resources.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in resources.EnumerateObject())
                {
                    yield return (property.Name, property.Value);
                }
            }
            else
            {
                var index = 0;
                foreach (var resource in resources.EnumerateArray())
                {
                    yield return ((index++).ToString(System.Globalization.CultureInfo.InvariantCulture), resource);
                }
            }
        }
    }

    /// <summary>Resources of one type; existing ones (references, not deployments) left out.</summary>
    public List<JsonElement> OfType(string type) =>
        Resources.Select(r => r.Resource)
            .Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase))
            .Where(r => !(r.TryGetProperty("existing", out var existing) && existing.ValueKind == JsonValueKind.True))
            .ToList();

    public JsonElement Resource(string symbol) =>
        Resources.Single(r => r.Symbol == symbol).Resource;

    /// <summary>The module deployed by the resource with this symbolic name.</summary>
    public ArmTemplate Module(string symbol)
    {
        var deployment = Resource(symbol);
        Assert.Equal("Microsoft.Resources/deployments", deployment.GetProperty("type").GetString());
        return new ArmTemplate(deployment.GetProperty("properties").GetProperty("template"));
    }

    /// <summary>Every nested deployment with the parameter values its parent passes.</summary>
    public IEnumerable<(string Symbol, JsonElement Parameters, ArmTemplate Template)> Modules =>
        Resources.Where(r => r.Resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments")
            .Select(r => (r.Symbol, r.Resource.GetProperty("properties").GetProperty("parameters"),
                new ArmTemplate(r.Resource.GetProperty("properties").GetProperty("template"))));

    /// <summary>This template and every template nested in it, depth first.</summary>
    public IEnumerable<ArmTemplate> SelfAndDescendants()
    {
        yield return this;
        foreach (var module in Modules)
        {
            foreach (var nested in module.Template.SelfAndDescendants())
            {
                yield return nested;
            }
        }
    }

    public JsonElement Parameter(string name) => Root.GetProperty("parameters").GetProperty(name);

    /// <summary>Parameters declared secure (a parameter of a user-defined type has "$ref" and no "type").</summary>
    public IEnumerable<string> SecureParameters =>
        Root.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateObject()
                .Where(p => p.Value.TryGetProperty("type", out var declared) && declared.GetString() is { } type
                    && (type.Equals("securestring", StringComparison.OrdinalIgnoreCase) || type.Equals("secureObject", StringComparison.OrdinalIgnoreCase)))
                .Select(p => p.Name)
            : [];

    public IEnumerable<(string Name, JsonElement Output)> Outputs =>
        Root.TryGetProperty("outputs", out var outputs)
            ? outputs.EnumerateObject().Select(o => (o.Name, o.Value))
            : [];
}
