using Microsoft.Extensions.Configuration;

namespace Platform.Configuration;

/// <summary>The configuration source <c>AddPlatformConfig</c> adds.</summary>
public sealed class PlatformConfigurationSource(PlatformConfigurationOptions options) : IConfigurationSource
{
    public PlatformConfigurationOptions Options { get; } = options;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new PlatformConfigurationProvider(Options);
}
