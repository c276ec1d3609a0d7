using Microsoft.Extensions.DependencyInjection;
using Platform.Regional.Placement;

namespace Platform.Regional.Hosting;

public static class PlacementRegistration
{
    /// <summary>Registers the director that pins grains to the node their key names.</summary>
    public static IServiceCollection AddNodePinnedPlacement(this IServiceCollection services)
    {
        services.AddPlacementDirector<NodePinnedPlacement, NodePinnedPlacementDirector>();
        services.AddSingleton<NodeAddresses>();
        return services;
    }
}
