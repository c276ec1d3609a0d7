using Microsoft.Extensions.Configuration;

namespace Platform.Configuration;

/// <summary><c>builder.Configuration.AddPlatformConfig(o => { o.Namespace = "payments"; o.Prefix = "app/"; ... })</c>.</summary>
public static class PlatformConfigurationExtensions
{
    public static IConfigurationBuilder AddPlatformConfig(this IConfigurationBuilder builder, Action<PlatformConfigurationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PlatformConfigurationOptions();
        configure(options);
        return builder.Add(new PlatformConfigurationSource(options));
    }
}
