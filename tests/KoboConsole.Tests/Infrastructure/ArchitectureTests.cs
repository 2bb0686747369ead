namespace KoboConsole.Tests.Infrastructure;

/// <summary>Library types never cross the edge: feature code talks to our own interfaces only (house style 3).</summary>
public sealed class ArchitectureTests
{
    private static readonly string[] EdgeNamespaces = ["Docker.DotNet", "Amazon.S3", "MongoDB.Driver", "Npgsql", "StackExchange.Redis", "MailKit", "MimeKit"];

    [Fact]
    public void Features_UseNoLibraryTypesOfTheEdges()
    {
        var root = FindRepoRoot();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "src/KoboConsole.Web/Features"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .Where(x => EdgeNamespaces.Any(ns => x.line.Contains(ns + ".", StringComparison.Ordinal) || x.line.Contains(ns + ";", StringComparison.Ordinal)))
            .Select(x => $"{Path.GetRelativePath(root, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Feature code uses library types directly:\n" + string.Join('\n', offenders));
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KoboConsole.sln")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }
}
