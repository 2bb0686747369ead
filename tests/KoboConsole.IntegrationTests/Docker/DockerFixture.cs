using System.Diagnostics;
using System.Formats.Tar;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KoboConsole.IntegrationTests.Docker;

/// <summary>The real local engine plus the busybox test image (built from Debian's busybox-static if missing).</summary>
public sealed class DockerFixture : IAsyncLifetime
{
    public const string Image = "kobo-testbed/busybox:latest";
    public const string TestLabel = "org.koboconsole.test";
    public const string TestLabelValue = "docker-adapter";

    private ServiceProvider? _services;

    public IContainerEngine Engine { get; private set; } = null!;

    public static ServiceProvider BuildServices(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddDockerServices();
        return services.BuildServiceProvider(validateScopes: true);
    }

    public async Task InitializeAsync()
    {
        _services = BuildServices(new Dictionary<string, string?>());
        Engine = _services.GetRequiredService<IDockerHosts>().Get("local");
        await EnsureImageAsync(Image);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    /// <summary>Same recipe as docker/testbed/images.sh busybox: same tag, so building twice is harmless.</summary>
    internal static async Task EnsureImageAsync(string image)
    {
        if (await DockerCliAsync(["image", "inspect", image], null) == 0)
        {
            return;
        }

        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)0b111_101_101 });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = (UnixFileMode)0b1_111_111_111 });
            await writer.WriteEntryAsync("/bin/busybox", "bin/busybox");
            foreach (var applet in await BusyboxAppletsAsync())
            {
                if (applet != "busybox")
                {
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, $"bin/{applet}") { LinkName = "busybox" });
                }
            }
        }

        tar.Position = 0;
        var exit = await DockerCliAsync(["import", "--change", "CMD [\"sh\"]", "-", image], tar);
        Assert.True(exit == 0, $"docker import of {image} failed with exit code {exit}");
    }

    private static async Task<string[]> BusyboxAppletsAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/busybox", "--list") { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static async Task<int> DockerCliAsync(string[] args, Stream? stdin)
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardInput = stdin is not null, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await stdin.CopyToAsync(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        }

        await Task.WhenAll(output, errors, process.WaitForExitAsync());
        return process.ExitCode;
    }
}

[CollectionDefinition(Name)]
public sealed class DockerEngineGroup : ICollectionFixture<DockerFixture>
{
    // One collection: the engine and the 2 CPU cores are shared, so Docker tests run one at a time.
    public const string Name = "docker";
}
