namespace Platform.Infra.Tests;

/// <summary>
/// infra/bicep compiled once per test run (one `bicep build --pattern` call for every template)
/// into a temporary folder that the layout and secret tests read.
/// </summary>
internal static class CompiledTemplates
{
    private static readonly Lazy<Task<Compilation>> Once = new(CompileAsync);

    public sealed record Compilation(BicepCli.Result Result, string OutputDirectory)
    {
        public string JsonOf(string bicepFile) => Path.Combine(OutputDirectory, Path.ChangeExtension(bicepFile, ".json"));

        public ArmTemplate Main => ArmTemplate.Load(JsonOf("main.bicep"));
    }

    public static Task<Compilation> GetAsync() => Once.Value;

    private static async Task<Compilation> CompileAsync()
    {
        var output = Directory.CreateTempSubdirectory("platform-bicep-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(output, recursive: true);
        var result = await BicepCli.RunAsync(TemplateFolder.Root, null, "build", "--pattern", "**/*.bicep", "--outdir", output);
        return new Compilation(result, output);
    }
}
