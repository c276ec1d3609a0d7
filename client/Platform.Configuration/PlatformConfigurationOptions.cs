namespace Platform.Configuration;

/// <summary>
/// What <c>AddPlatformConfig</c> reads: one namespace (the keys under <see cref="Prefix"/>), from
/// the given endpoints, and where it keeps the last configuration it loaded for a start-up while
/// the platform cannot be reached.
/// </summary>
public sealed class PlatformConfigurationOptions
{
    /// <summary>Edges or nodes, best first (the client fails over between them).</summary>
    public IReadOnlyList<Uri> Endpoints { get; set; } = [];

    /// <summary>A token that may read the namespace.</summary>
    public string? Token { get; set; }

    public string Namespace { get; set; } = string.Empty;

    /// <summary>Only keys under it are loaded; it is cut from their configuration paths (<c>app/db/host</c> is <c>db:host</c>).</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>How long start-up waits for the platform before it falls back to the last known good file.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The last configuration loaded, written after every load and change; read at start-up when the
    /// platform cannot be reached in time. Default: a file per namespace and prefix in the temp folder.
    /// </summary>
    public string? LastKnownGoodPath { get; set; }

    /// <summary>When neither the platform nor a last known good file can be read: start empty (true) or throw (false).</summary>
    public bool Optional { get; set; }

    /// <summary>How the client reaches the platform; the endpoints and token above are copied in.</summary>
    public Client.PlatformClientOptions Client { get; set; } = new();

    internal string LastKnownGoodFile => LastKnownGoodPath ?? Path.Combine(
        Path.GetTempPath(),
        $"platform-config-{Namespace}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Prefix)))[..12]}.json");
}
