using System.Formats.Tar;
using System.Security.Cryptography;

namespace KoboConsole.IntegrationTests.Docker;

public sealed class ContainerArchiveTests(DockerFixture fixture) : DockerTestBase(fixture)
{
    [Fact]
    public async Task PutArchiveAsync_ThenGetArchiveAsync_RoundTripsFileByHash()
    {
        var id = await RunIdleAsync();
        var payload = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var expected = Convert.ToHexStringLower(SHA256.HashData(payload));
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "payload.bin") { DataStream = new MemoryStream(payload) }, Timeout);
        }

        tar.Position = 0;
        await Engine.PutArchiveAsync(id, "/tmp", tar, Timeout);
        var inside = await Engine.ExecAsync(id, ["sha256sum", "/tmp/payload.bin"], Timeout);
        await using var archive = await Engine.GetArchiveAsync(id, "/tmp/payload.bin", Timeout);
        var entry = await new TarReader(archive).GetNextEntryAsync(copyData: true, Timeout);

        Assert.StartsWith(expected, inside.Stdout, StringComparison.Ordinal);
        Assert.NotNull(entry?.DataStream);
        Assert.Equal("payload.bin", entry.Name);
        Assert.Equal(expected, Convert.ToHexStringLower(await SHA256.HashDataAsync(entry.DataStream, Timeout)));
    }

    [Fact]
    public async Task GetArchiveAsync_MissingPath_ThrowsOperationErrorNotContainerNotFound()
    {
        var id = await RunIdleAsync();

        var error = await Assert.ThrowsAsync<KoboConsole.Web.Infrastructure.Docker.DockerOperationException>(
            () => Engine.GetArchiveAsync(id, "/no/such/path", Timeout));

        Assert.Contains("/no/such/path", error.DaemonMessage, StringComparison.Ordinal);
    }
}
