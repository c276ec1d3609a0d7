namespace Platform.Cli.Output;

/// <summary>The content type <c>kv put</c> stores when none is given.</summary>
public static class ContentTypes
{
    public const string Text = "text/plain; charset=utf-8";

    private const string Binary = "application/octet-stream";

    /// <summary>By the file's extension, for the formats configuration usually comes in; otherwise bytes.</summary>
    public static string ForFile(string fileName) => Path.GetExtension(fileName).ToUpperInvariant() switch
    {
        ".JSON" => "application/json",
        ".YAML" or ".YML" => "application/yaml",
        ".XML" => "application/xml",
        ".TOML" => "application/toml",
        ".TXT" or ".CONF" or ".INI" or ".PROPERTIES" or ".ENV" => Text,
        _ => Binary,
    };
}
