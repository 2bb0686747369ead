namespace KoboConsole.Testing;

/// <summary>The repository checkout the tests run from (the folder holding KoboConsole.sln).</summary>
internal static class TestRepo
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KoboConsole.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"KoboConsole.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Root => LazyRoot.Value;
}
