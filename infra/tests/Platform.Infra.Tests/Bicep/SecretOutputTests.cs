namespace Platform.Infra.Tests;

/// <summary>No output of the deployment, at any depth, carries a secret, and secrets stay secure on their way into modules.</summary>
public sealed class SecretOutputTests
{
    [Fact]
    public async Task No_output_at_any_depth_is_derived_from_a_secret()
    {
        var main = (await CompiledTemplates.GetAsync()).Main;

        Assert.Equal(["adminToken", "edgeToken", "interRegionSecret", "packageUrl"], main.SecureParameters.Order(StringComparer.Ordinal));
        Assert.Empty(SecretLeaks.Find(main));
    }

    [Fact]
    public async Task Every_module_compiled_alone_is_clean_too()
    {
        var compilation = await CompiledTemplates.GetAsync();

        foreach (var file in TemplateFolder.BicepFiles())
        {
            Assert.Empty(SecretLeaks.Find(ArmTemplate.Load(compilation.JsonOf(file)), file));
        }
    }

    [Fact]
    public async Task The_secrets_reach_key_vault_as_secure_parameters()
    {
        var region = (await CompiledTemplates.GetAsync()).Main.Module("regionDeployments");

        Assert.Contains("adminToken", region.SecureParameters);
        Assert.Contains("interRegionSecret", region.SecureParameters);
        Assert.Contains("adminToken", region.Module("vault").SecureParameters);
        Assert.Contains("edgeToken", region.SecureParameters);
        Assert.Contains("edgeToken", region.Module("vault").SecureParameters);
        Assert.Contains("interRegionSecret", region.Module("vault").SecureParameters);
    }

    [Fact]
    public void The_check_finds_an_output_of_a_secure_parameter_directly_or_through_a_variable()
    {
        var template = ArmTemplate.Parse("""
            { "parameters": { "token": { "type": "securestring" }, "name": { "type": "string" } },
              "variables": { "header": "[format('Bearer {0}', parameters('token'))]", "again": "[variables('header')]" },
              "outputs": {
                "fine": { "type": "string", "value": "[parameters('name')]" },
                "direct": { "type": "string", "value": "[parameters('token')]" },
                "indirect": { "type": "string", "value": "[variables('again')]" } } }
            """);

        var findings = SecretLeaks.Find(template);

        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.Contains("'direct'", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("'indirect'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_check_finds_list_keys_in_a_nested_output_and_a_secret_passed_as_plain_text()
    {
        var template = ArmTemplate.Parse("""
            { "parameters": { "token": { "type": "securestring" } },
              "resources": { "child": { "type": "Microsoft.Resources/deployments", "properties": {
                "parameters": { "plain": { "value": "[parameters('token')]" } },
                "template": { "parameters": { "plain": { "type": "string" } },
                  "outputs": { "key": { "type": "string", "value": "[listKeys('st', '2023-05-01').keys[0].value]" } } } } } } }
            """);

        var findings = SecretLeaks.Find(template);

        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.Contains("non-secure parameter 'plain'", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("main/child: output 'key' uses a listKeys call", StringComparison.Ordinal));
    }
}
