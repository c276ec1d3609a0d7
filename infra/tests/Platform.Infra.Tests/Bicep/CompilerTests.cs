using System.Security.Cryptography;
using System.Text.Json;

namespace Platform.Infra.Tests;

/// <summary>Every template and parameter file compiles and lints with the pinned Bicep CLI, with no diagnostic at all.</summary>
public sealed class CompilerTests
{
    [Fact]
    public async Task The_compiler_is_the_pinned_version()
    {
        var result = await BicepCli.RunAsync(TemplateFolder.Root, null, "--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Bicep CLI version {BicepCli.Version} ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_template_builds_with_no_warning_or_error()
    {
        var compilation = await CompiledTemplates.GetAsync();

        Assert.True(compilation.Result.ExitCode == 0, compilation.Result.Error);
        Assert.Empty(compilation.Result.Diagnostics);
        var templates = TemplateFolder.BicepFiles();
        Assert.Contains("main.bicep", templates);
        Assert.Contains("modules/region.bicep", templates);
        Assert.All(templates, file => Assert.True(File.Exists(compilation.JsonOf(file)), $"{file} was not compiled"));
    }

    [Fact]
    public async Task Every_template_lints_clean()
    {
        var result = await BicepCli.RunAsync(TemplateFolder.Root, null, "lint", "--pattern", "**/*.bicep");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public async Task The_linter_reports_what_it_finds()
    {
        // The clean runs above mean something only if the linter speaks up when it should.
        var folder = Directory.CreateTempSubdirectory("platform-bicep-lint-");
        try
        {
            var file = Path.Combine(folder.FullName, "leaky.bicep");
            await File.WriteAllTextAsync(file, "@secure()\nparam token string\nparam unused string\noutput leaked string = token\n", TestContext.Current.CancellationToken);

            var result = await BicepCli.RunAsync(folder.FullName, null, "lint", file);

            Assert.Contains(result.Diagnostics, line => line.Contains("outputs-should-not-contain-secrets", StringComparison.Ordinal));
            Assert.Contains(result.Diagnostics, line => line.Contains("no-unused-params", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("params/prod.bicepparam", 3, 5)]
    [InlineData("params/dev.bicepparam", 1, 3)]
    public async Task Parameter_files_build_and_lint_clean(string file, int regions, int nodes)
    {
        Assert.Contains(file, TemplateFolder.ParameterFiles());
        var output = Directory.CreateTempSubdirectory("platform-bicepparam-");
        try
        {
            var outfile = Path.Combine(output.FullName, "parameters.json");
            var build = await BicepCli.RunAsync(TemplateFolder.Root, ThrowawaySecrets(), "build-params", file, "--outfile", outfile);
            var lint = await BicepCli.RunAsync(TemplateFolder.Root, ThrowawaySecrets(), "lint", file);

            Assert.True(build.ExitCode == 0, build.Error);
            Assert.Empty(build.Diagnostics);
            Assert.True(lint.ExitCode == 0, lint.Error);
            Assert.Empty(lint.Diagnostics);
            using var parameters = JsonDocument.Parse(await File.ReadAllTextAsync(outfile, TestContext.Current.CancellationToken));
            var values = parameters.RootElement.GetProperty("parameters");
            Assert.Equal(regions, values.GetProperty("regions").GetProperty("value").GetArrayLength());
            Assert.Equal(nodes, values.GetProperty("nodeCount").GetProperty("value").GetInt32());
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Parameter_files_hold_no_secret_and_refuse_to_build_without_one()
    {
        // Secrets come only from the environment of the deploying shell: with none set the file
        // does not compile, so nothing is ever deployed with a placeholder token.
        foreach (var file in TemplateFolder.ParameterFiles())
        {
            var result = await BicepCli.RunAsync(TemplateFolder.Root, WithoutSecrets(), "build-params", file, "--stdout");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(result.Diagnostics, line => line.Contains("BCP427", StringComparison.Ordinal) && line.Contains("PLATFORM_ADMIN_TOKEN", StringComparison.Ordinal));
            Assert.Contains(result.Diagnostics, line => line.Contains("BCP427", StringComparison.Ordinal) && line.Contains("PLATFORM_EDGE_TOKEN", StringComparison.Ordinal));
        }
    }

    private static Dictionary<string, string?> ThrowawaySecrets() => new()
    {
        ["PLATFORM_SSH_PUBLIC_KEY"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIThrowawayKeyForCompilationOnly test",
        ["PLATFORM_ADMIN_TOKEN"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
        ["PLATFORM_EDGE_TOKEN"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
        ["PLATFORM_INTER_REGION_SECRET"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        ["PLATFORM_PACKAGE_URL"] = "https://example.invalid/platform-linux-x64.tar.gz",
    };

    /// <summary>The test process's environment may carry real values; the child gets none.</summary>
    private static Dictionary<string, string?> WithoutSecrets() =>
        ThrowawaySecrets().Keys.ToDictionary(name => name, _ => (string?)null);
}
