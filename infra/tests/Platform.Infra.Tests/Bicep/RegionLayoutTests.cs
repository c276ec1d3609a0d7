using System.Text.Json;

namespace Platform.Infra.Tests;

/// <summary>
/// What the compiled main.json deploys: per region (three by default) a storage account with the
/// membership table, 3 or 5 nodes with a WAL disk each, edges behind a load balancer; and Front
/// Door over every region's edges.
/// </summary>
public sealed class RegionLayoutTests
{
    [Fact]
    public async Task Main_deploys_one_region_module_per_region_three_by_default()
    {
        var main = (await CompiledTemplates.GetAsync()).Main;

        var regions = main.Parameter("regions").GetProperty("defaultValue");
        Assert.Equal(3, regions.GetArrayLength());
        Assert.Equal(3, regions.EnumerateArray().Select(r => r.GetProperty("addressPrefix").GetString()).Distinct().Count());
        var regionDeployment = main.Resource("regionDeployments");
        Assert.Equal("[length(parameters('regions'))]", regionDeployment.GetProperty("copy").GetProperty("count").GetString());
        Assert.Contains("parameters('regions')[copyIndex()]", regionDeployment.GetProperty("resourceGroup").GetString(), StringComparison.Ordinal);
        var groups = main.Resource("regionGroups");
        Assert.Equal("Microsoft.Resources/resourceGroups", groups.GetProperty("type").GetString());
        Assert.Equal("[length(parameters('regions'))]", groups.GetProperty("copy").GetProperty("count").GetString());
    }

    [Fact]
    public async Task Each_region_has_a_storage_account_with_the_orleans_membership_table()
    {
        var storage = Region(await CompiledTemplates.GetAsync()).Module("storage");

        var account = Assert.Single(storage.OfType("Microsoft.Storage/storageAccounts"));
        Assert.Equal("TLS1_2", account.GetProperty("properties").GetProperty("minimumTlsVersion").GetString());
        Assert.Single(storage.OfType("Microsoft.Storage/storageAccounts/tableServices"));
        var table = Assert.Single(storage.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.EndsWith("'OrleansSiloInstances')]", table.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.True(AssignsRole(storage, "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"));
    }

    [Fact]
    public async Task Each_region_has_3_or_5_nodes_each_with_its_own_wal_disk()
    {
        var compilation = await CompiledTemplates.GetAsync();
        var main = compilation.Main;
        var region = Region(compilation);
        var nodes = region.Module("nodes");

        Assert.Equal([3, 5], AllowedInts(main.Parameter("nodeCount")));
        Assert.Equal([3, 5], AllowedInts(region.Parameter("nodeCount")));
        Assert.Equal([3, 5], AllowedInts(nodes.Parameter("nodeCount")));
        Assert.Equal("[parameters('nodeCount')]", PassedValue(main.Resource("regionDeployments"), "nodeCount"));
        Assert.Equal("[parameters('nodeCount')]", PassedValue(region.Resource("nodes"), "nodeCount"));

        var vm = Assert.Single(nodes.OfType("Microsoft.Compute/virtualMachines"));
        var disk = Assert.Single(nodes.OfType("Microsoft.Compute/disks"));
        Assert.Equal("[length(range(0, parameters('nodeCount')))]", vm.GetProperty("copy").GetProperty("count").GetString());
        Assert.Equal("[length(range(0, parameters('nodeCount')))]", disk.GetProperty("copy").GetProperty("count").GetString());
        var dataDisk = Assert.Single(vm.GetProperty("properties").GetProperty("storageProfile").GetProperty("dataDisks").EnumerateArray());
        Assert.Equal("Attach", dataDisk.GetProperty("createOption").GetString());
        Assert.Equal("None", dataDisk.GetProperty("caching").GetString());
        Assert.Equal("Detach", dataDisk.GetProperty("deleteOption").GetString());
        Assert.Contains("Microsoft.Compute/disks", dataDisk.GetProperty("managedDisk").GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Premium", AllowedStrings(nodes.Parameter("walDiskSku")).First(), StringComparison.Ordinal);

        // Members of one Flexible scale set, at fixed private addresses.
        Assert.Equal("Flexible", Assert.Single(nodes.OfType("Microsoft.Compute/virtualMachineScaleSets")).GetProperty("properties").GetProperty("orchestrationMode").GetString());
        var nic = Assert.Single(nodes.OfType("Microsoft.Network/networkInterfaces"));
        Assert.Equal("Static", nic.GetProperty("properties").GetProperty("ipConfigurations")[0].GetProperty("properties").GetProperty("privateIPAllocationMethod").GetString());
    }

    [Fact]
    public async Task Each_region_has_edges_behind_a_standard_load_balancer_probing_readyz()
    {
        var edges = Region(await CompiledTemplates.GetAsync()).Module("edges");

        var balancer = Assert.Single(edges.OfType("Microsoft.Network/loadBalancers"));
        Assert.Equal("Standard", balancer.GetProperty("sku").GetProperty("name").GetString());
        var probe = Assert.Single(balancer.GetProperty("properties").GetProperty("probes").EnumerateArray());
        Assert.Equal("/readyz", probe.GetProperty("properties").GetProperty("requestPath").GetString());
        var pool = Assert.Single(balancer.GetProperty("properties").GetProperty("backendAddressPools").EnumerateArray()).GetProperty("name").GetString();

        var scaleSet = Assert.Single(edges.OfType("Microsoft.Compute/virtualMachineScaleSets"));
        Assert.Equal("[parameters('edgeCount')]", scaleSet.GetProperty("sku").GetProperty("capacity").GetString());
        var ipConfiguration = scaleSet.GetProperty("properties").GetProperty("virtualMachineProfile").GetProperty("networkProfile")
            .GetProperty("networkInterfaceConfigurations")[0].GetProperty("properties").GetProperty("ipConfigurations")[0].GetProperty("properties");
        var poolReference = Assert.Single(ipConfiguration.GetProperty("loadBalancerBackendAddressPools").EnumerateArray()).GetProperty("id").GetString();
        Assert.Contains("Microsoft.Network/loadBalancers/backendAddressPools", poolReference, StringComparison.Ordinal);
        Assert.Contains($"'{pool}')", poolReference, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_region_keeps_its_secrets_in_an_rbac_key_vault_with_purge_protection()
    {
        var vault = Region(await CompiledTemplates.GetAsync()).Module("vault");

        var properties = Assert.Single(vault.OfType("Microsoft.KeyVault/vaults")).GetProperty("properties");
        Assert.True(properties.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(properties.GetProperty("enablePurgeProtection").GetBoolean());
        Assert.Equal("Deny", properties.GetProperty("networkAcls").GetProperty("defaultAction").GetString());
        var secretNames = vault.OfType("Microsoft.KeyVault/vaults/secrets").Select(s => s.GetProperty("name").GetString()!).ToList();
        Assert.Contains(secretNames, name => name.Contains("'admin-token'", StringComparison.Ordinal));
        Assert.Contains(secretNames, name => name.Contains("'edge-token'", StringComparison.Ordinal));
        Assert.Contains(secretNames, name => name.Contains("'inter-region-secret'", StringComparison.Ordinal));
        Assert.True(AssignsRole(vault, "4633458b-17de-408a-b874-0445c86b69e6"));

        // The edges' identity reads the edge token and nothing else: never the admin token.
        var edgeAssignments = vault.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.GetProperty("properties").GetProperty("principalId").GetString()!.Contains("edgePrincipalId", StringComparison.Ordinal)).ToList();
        var scope = Assert.Single(edgeAssignments).GetProperty("scope").GetString()!;
        Assert.Contains("'edge-token'", scope, StringComparison.Ordinal);
        Assert.DoesNotContain("admin-token", scope, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_region_ships_prometheus_metrics_to_an_azure_monitor_workspace()
    {
        var monitoring = Region(await CompiledTemplates.GetAsync()).Module("monitoring");

        Assert.Single(monitoring.OfType("Microsoft.OperationalInsights/workspaces"));
        Assert.Single(monitoring.OfType("Microsoft.Monitor/accounts"));
        var rules = monitoring.OfType("Microsoft.Insights/dataCollectionRules");
        Assert.Contains(rules, rule => rule.GetProperty("properties").GetProperty("dataFlows")[0].GetProperty("streams")[0].GetString() == "Microsoft-PrometheusMetrics");
        Assert.True(AssignsRole(monitoring, "3913510d-42f4-4e42-8a64-420c390055eb"));
    }

    [Fact]
    public async Task Regions_are_peered_both_ways_and_front_door_routes_v1_to_every_edge()
    {
        var main = (await CompiledTemplates.GetAsync()).Main;

        var peering = main.Module("peeringDeployments");
        Assert.Single(peering.OfType("Microsoft.Network/virtualNetworks/virtualNetworkPeerings"));
        Assert.Equal("[length(variables('peerings'))]", main.Resource("peeringDeployments").GetProperty("copy").GetProperty("count").GetString());

        var frontDoor = main.Module("frontDoor");
        var profile = Assert.Single(frontDoor.OfType("Microsoft.Cdn/profiles"));
        Assert.EndsWith("_AzureFrontDoor", profile.GetProperty("sku").GetProperty("name").GetString(), StringComparison.Ordinal);
        var group = Assert.Single(frontDoor.OfType("Microsoft.Cdn/profiles/originGroups"));
        Assert.Equal("/readyz", group.GetProperty("properties").GetProperty("healthProbeSettings").GetProperty("probePath").GetString());
        var origin = Assert.Single(frontDoor.OfType("Microsoft.Cdn/profiles/originGroups/origins"));
        Assert.Equal("[length(parameters('origins'))]", origin.GetProperty("copy").GetProperty("count").GetString());
        var route = Assert.Single(frontDoor.OfType("Microsoft.Cdn/profiles/afdEndpoints/routes"));
        Assert.Equal(["/v1/*"], route.GetProperty("properties").GetProperty("patternsToMatch").EnumerateArray().Select(p => p.GetString()));

        // One origin per region, fed by that region's edge load balancer.
        var origins = main.Resource("frontDoor").GetProperty("properties").GetProperty("parameters").GetProperty("origins").GetProperty("copy");
        var originCopy = Assert.Single(origins.EnumerateArray());
        Assert.Equal("[length(parameters('regions'))]", originCopy.GetProperty("count").GetString());
        Assert.Contains("outputs.edgeFqdn", originCopy.GetProperty("input").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outputs_give_the_cli_its_endpoint_and_where_the_admin_token_is()
    {
        var main = (await CompiledTemplates.GetAsync()).Main;
        var outputs = main.Outputs.ToDictionary(o => o.Name, o => o.Output);

        Assert.Contains("https://", outputs["frontDoorEndpoint"].GetProperty("value").GetString(), StringComparison.Ordinal);
        var perRegion = outputs["regions"].GetProperty("copy").GetProperty("input");
        foreach (var field in new[] { "edgeEndpoint", "nodes", "keyVaultName", "keyVaultUri", "adminTokenSecretName" })
        {
            Assert.True(perRegion.TryGetProperty(field, out _), $"regions output lacks {field}");
        }

        Assert.True(outputs["adminTokenLocation"].GetProperty("value").TryGetProperty("secretName", out _));
    }

    private static ArmTemplate Region(CompiledTemplates.Compilation compilation) => compilation.Main.Module("regionDeployments");

    private static string? PassedValue(JsonElement deployment, string parameter) =>
        deployment.GetProperty("properties").GetProperty("parameters").GetProperty(parameter).GetProperty("value").GetString();

    private static int[] AllowedInts(JsonElement parameter) =>
        parameter.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static string[] AllowedStrings(JsonElement parameter) =>
        parameter.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToArray();

    /// <summary>Whether a template assigns the built-in role, named directly or through the imported `roles` variable.</summary>
    private static bool AssignsRole(ArmTemplate template, string roleId) =>
        template.OfType("Microsoft.Authorization/roleAssignments").Any(assignment =>
        {
            var definition = assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!;
            if (definition.Contains(roleId, StringComparison.Ordinal))
            {
                return true;
            }

            var named = System.Text.RegularExpressions.Regex.Match(definition, @"variables\('roles'\)\.(\w+)");
            return named.Success
                && template.Root.GetProperty("variables").GetProperty("roles").GetProperty(named.Groups[1].Value).GetString() == roleId;
        });
}
