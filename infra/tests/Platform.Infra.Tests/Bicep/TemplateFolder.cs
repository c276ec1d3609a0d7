namespace Platform.Infra.Tests;

/// <summary>Where infra/bicep is in this checkout, found from the test's own location.</summary>
internal static class TemplateFolder
{
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>Every .bicep file, relative to infra/bicep, with '/' separators.</summary>
    public static IReadOnlyList<string> BicepFiles() => Relative("*.bicep");

    public static IReadOnlyList<string> ParameterFiles() => Relative("*.bicepparam");

    private static List<string> Relative(string pattern) =>
        Directory.GetFiles(Root, pattern, SearchOption.AllDirectories)
            .Select(file => System.IO.Path.GetRelativePath(Root, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Platform.sln")))
            {
                return System.IO.Path.Combine(directory.FullName, "infra", "bicep");
            }
        }

        throw new DirectoryNotFoundException($"no Platform.sln above {AppContext.BaseDirectory}");
    }
}
