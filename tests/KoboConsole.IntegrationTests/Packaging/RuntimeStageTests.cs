using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Packaging;

/// <summary>
/// CI runs docker/Dockerfile.local (base images cannot be pulled here); users build
/// docker/Dockerfile. What CI proves holds for users only while both final stages are the same.
/// </summary>
public sealed class RuntimeStageTests
{
    [Fact]
    public void RuntimeStage_DockerfileAndLocalStandIn_AreIdenticalBelowFrom()
    {
        var user = RuntimeStage(Path.Combine(ScriptRunner.RepoRoot, "docker", "Dockerfile"));
        var local = RuntimeStage(Path.Combine(ScriptRunner.RepoRoot, "docker", "Dockerfile.local"));

        Assert.Equal("FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime", user.From);
        Assert.Equal("FROM ${BASE} AS runtime", local.From);
        Assert.Equal(user.Body, local.Body);
        Assert.Contains(user.Body, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.Contains("USER $APP_UID", user.Body);
        Assert.Equal("ENTRYPOINT [\"dotnet\", \"/app/KoboConsole.Web.dll\"]", user.Body[^1]);
    }

    [Fact]
    public void BuildStage_LocalStandIn_CopiesPublishOutputToSamePath()
    {
        var user = File.ReadAllText(Path.Combine(ScriptRunner.RepoRoot, "docker", "Dockerfile"));
        var local = File.ReadAllText(Path.Combine(ScriptRunner.RepoRoot, "docker", "Dockerfile.local"));

        // Both build stages leave the publish output in /app of a stage named 'build'.
        Assert.Contains("dotnet publish src/KoboConsole.Web/KoboConsole.Web.csproj -c Release --no-restore -o /app -p:UseAppHost=false", user, StringComparison.Ordinal);
        Assert.Contains("FROM scratch AS build\nCOPY publish/ /app/", local, StringComparison.Ordinal);
    }

    private static (string From, List<string> Body) RuntimeStage(string dockerfile)
    {
        var lines = File.ReadAllLines(dockerfile);
        var from = Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal));
        Assert.True(from >= 0, $"{dockerfile} has no FROM line");
        return (lines[from], [.. lines.Skip(from + 1).Where(l => l.Length > 0)]);
    }
}
