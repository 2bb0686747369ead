using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Upgrades;
using KoboConsole.Web.Features.Upgrades.Images;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Tests.Features.Upgrades.Images;

public sealed class ImageUpdateRulesTests
{
    private static readonly DateTimeOffset Old = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset New = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static ImageDetails Image(string id, DateTimeOffset created, string[]? env = null, string[]? cmd = null, Dictionary<string, string>? labels = null) =>
        new(id, ["kobotoolbox/kpi:2.024.36"], created, env ?? ["PATH=/usr/bin", "KPI_SRC_DIR=/srv/src/kpi"], cmd ?? ["/srv/src/kpi/docker/entrypoint.sh"], [],
            labels ?? new Dictionary<string, string> { ["org.opencontainers.image.version"] = "2.024.36" });

    private static ContainerDetails Kpi(string imageId = "sha256:aaaaaaaaaaaaaaaaaaaa") => new("0123456789abcdef", "kobofe-kpi-1", "kobotoolbox/kpi:2.024.36", imageId, "running", true, 0,
        new HealthInfo("none", 0, null, null, null), 0, DateTimeOffset.UnixEpoch, null, null, false, ["/srv/src/kpi/docker/entrypoint.sh"],
        ["PATH=/usr/bin", "KPI_SRC_DIR=/srv/src/kpi", "DJANGO_DEBUG=False", "PUBLIC_DOMAIN_NAME=kobo.test"],
        new Dictionary<string, string>
        {
            ["com.docker.compose.service"] = "kpi",
            ["com.docker.compose.image"] = "sha256:aaaaaaaaaaaaaaaaaaaa",
            ["org.opencontainers.image.version"] = "2.024.36",
        },
        [new MountInfo("bind", null, "/srv/kobo/.vols/static/kpi", "/srv/static", true), new MountInfo("volume", "kobofe_media", "/var/lib/docker/volumes/m/_data", "/srv/media", false)],
        [new NetworkAttachment("kobofe_kobo-fe-network", "n1", ["kpi", "kpi.internal", "0123456789ab", "kobofe-kpi-1"], "172.19.0.4"),
         new NetworkAttachment("kobobe_kobo-be-network", "n2", ["kpi"], "172.18.0.9")],
        [new PortMapping("127.0.0.1", 8000, 8000, "tcp")], ["postgres.kobo.private:10.0.0.5"], 20, new ContainerLogConfig("json-file", new Dictionary<string, string> { ["max-size"] = "10m" }),
        "unless-stopped", []);

    private static KoboContainer C(string service, KoboRole role, string host = "main") =>
        new(host, service + "-id", $"kobo-{service}-1", "kobofe", service, role, "running", "Up", "img", DateTimeOffset.UnixEpoch, false, [], [], new Dictionary<string, string>());

    [Fact]
    public void WithImage_NewerImage_KeepsWhatTheContainerWasGivenLeavesImageDefaults()
    {
        var spec = ContainerRecreate.WithImage(Kpi(), Image("sha256:aaaaaaaaaaaaaaaaaaaa", Old), Image("sha256:bbbbbbbbbbbbbbbbbbbb", New, env: ["PATH=/usr/bin", "KPI_SRC_DIR=/srv/kpi"]));

        Assert.Equal("kobotoolbox/kpi:2.024.36", spec.Image);
        Assert.Equal("kobofe-kpi-1", spec.Name);
        Assert.Equal(["DJANGO_DEBUG=False", "PUBLIC_DOMAIN_NAME=kobo.test"], spec.Env);
        Assert.Null(spec.Cmd);
        Assert.Null(spec.Entrypoint);
        Assert.Equal("kpi", spec.Labels["com.docker.compose.service"]);
        Assert.Equal("sha256:bbbbbbbbbbbbbbbbbbbb", spec.Labels[ContainerRecreate.ComposeImageLabel]);
        Assert.False(spec.Labels.ContainsKey("org.opencontainers.image.version"));
        Assert.Equal(["/srv/kobo/.vols/static/kpi:/srv/static", "kobofe_media:/srv/media:ro"], spec.Binds);
        Assert.Equal(["kobofe_kobo-fe-network", "kobobe_kobo-be-network"], spec.Networks.Select(n => n.Name));
        Assert.Equal(["kpi", "kpi.internal", "kobofe-kpi-1"], spec.Networks[0].Aliases);
        Assert.Equal(new PortBindingSpec(8000, 8000, "tcp", "127.0.0.1"), Assert.Single(spec.Ports));
        Assert.Equal(["postgres.kobo.private:10.0.0.5"], spec.ExtraHosts);
        Assert.Equal("unless-stopped", spec.RestartPolicy);
        Assert.Equal("10m", spec.Log!.Options["max-size"]);
    }

    [Fact]
    public void WithImage_CommandSetByCompose_Kept()
    {
        var spec = ContainerRecreate.WithImage(Kpi() with { Cmd = ["standin", "kpi"] }, Image("sha256:a", Old), Image("sha256:b", New));

        Assert.Equal(["standin", "kpi"], spec.Cmd);
    }

    [Theory]
    [InlineData("sha256:aaaaaaaaaaaaaaaaaaaa", true, false, null)]
    [InlineData("sha256:bbbbbbbbbbbbbbbbbbbb", true, true, null)]
    [InlineData(null, false, false, "is not on Docker host 'main'")]
    public void Compare_ConfiguredImage_UpdateWhenTheIdDiffers(string? configuredId, bool present, bool update, string? note)
    {
        var u = ImageUpdateRules.Compare(C("kpi", KoboRole.Frontend), Kpi(), Image("sha256:aaaaaaaaaaaaaaaaaaaa", Old), present ? Image(configuredId!, New) : null);

        Assert.Equal(update, u.UpdateAvailable);
        Assert.Equal("aaaaaaaaaaaa", u.RunningImageId);
        Assert.Equal(present ? configuredId![7..19] : null, u.AvailableImageId);
        if (note is null)
        {
            Assert.Null(u.Note);
        }
        else
        {
            Assert.Contains(note, u.Note, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compare_TagMovedToAnOlderImage_SaidSo()
    {
        var u = ImageUpdateRules.Compare(C("kpi", KoboRole.Frontend), Kpi(), Image("sha256:aaaaaaaaaaaaaaaaaaaa", New), Image("sha256:cccccccccccccccccccc", Old));

        Assert.True(u.UpdateAvailable);
        Assert.Contains("OLDER", u.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_Frontend_OnlyFrontEndUpdatesNginxLast()
    {
        ImageUpdate U(string service, string role, bool update, string host = "main") =>
            new(service, $"kobo-{service}-1", host, role, "running", "img", "a", null, "b", null, update, null);
        var updates = new[] { U("nginx", "frontend", true), U("kpi", "frontend", true, "fe2"), U("kpi", "frontend", true), U("worker", "frontend", false), U("postgres", "backend", true) };

        Assert.Equal(["kpi fe2", "kpi main", "nginx main"], ImageUpdateRules.Targets(updates, ImageUpdateRules.Frontend).Select(t => $"{t.Service} {t.Host}"));
        Assert.Equal(["postgres"], ImageUpdateRules.Targets(updates, "postgres").Select(t => t.Service));
        Assert.Empty(ImageUpdateRules.Targets(updates, "worker"));
    }

    [Theory]
    [InlineData("kpi", true)]
    [InlineData("enketo_express", true)]
    [InlineData("frontend", true)]
    [InlineData("kpi;rm", false)]
    [InlineData("", false)]
    public void IsServiceName(string service, bool ok) => Assert.Equal(ok, ImageUpdateRules.IsServiceName(service));
}
