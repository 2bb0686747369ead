using KoboConsole.Web.Features.Stack;

namespace KoboConsole.Tests.Features.Stack;

public sealed class KoboNamesTests
{
    [Theory]
    [InlineData("kobodocker")]
    [InlineData("kobo-docker")]
    [InlineData("kobofe")]
    [InlineData("kobobe")]
    [InlineData("kobomaintenance")]
    [InlineData("nginx-certbot")]
    [InlineData("acme-kobofe")]
    [InlineData("my-org-kobobe")]
    [InlineData("x-kobomaintenance")]
    public void IsKoboProject_EveryGeneration_IsRecognised(string project) => Assert.True(KoboNames.IsKoboProject(project));

    [Theory]
    [InlineData("")]
    [InlineData("wordpress")]
    [InlineData("-kobofe")]
    [InlineData("kobofe-extra")]
    [InlineData("notkobofe")]
    public void IsKoboProject_OtherProjects_AreNot(string project) => Assert.False(KoboNames.IsKoboProject(project));

    [Fact]
    public void IsKoboProject_ConfiguredExtra_IsRecognised() => Assert.True(KoboNames.IsKoboProject("survey-prod", ["survey-prod"]));

    [Theory]
    [InlineData("nginx", KoboRole.Frontend)]
    [InlineData("kpi", KoboRole.Frontend)]
    [InlineData("worker_long_running_tasks", KoboRole.Frontend)]
    [InlineData("kobocat", KoboRole.Frontend)]
    [InlineData("dkobo", KoboRole.Frontend)]
    [InlineData("postgres", KoboRole.Backend)]
    [InlineData("redis_cache", KoboRole.Backend)]
    [InlineData("rabbit", KoboRole.Backend)]
    [InlineData("maintenance", KoboRole.Maintenance)]
    [InlineData("nginx_ssl_proxy", KoboRole.Edge)]
    [InlineData("certbot", KoboRole.Edge)]
    [InlineData("flower", KoboRole.Other)]
    public void RoleOf_ServiceName_GivesKoboRole(string service, KoboRole role) => Assert.Equal(role, KoboNames.RoleOf(service));

    [Theory]
    [InlineData(KoboRole.Frontend, "frontend")]
    [InlineData(KoboRole.Edge, "edge")]
    [InlineData(KoboRole.Other, "other")]
    public void ToApi_Role_IsTheContractsWord(KoboRole role, string word) => Assert.Equal(word, role.ToApi());

    [Theory]
    [InlineData("acme-kobofe", "acme", true)]
    [InlineData("acme-kobobe", "acme", true)]
    [InlineData("other-kobofe", "acme", false)]
    [InlineData("kobofe", "acme", false)]
    [InlineData("kobofe", "", true)]
    [InlineData("kobodocker", "", true)]
    [InlineData("acme-kobofe", "", false)]
    [InlineData("my-org-kobobe", "my-org", true)]
    public void IsKoboProject_WithPrefix_OnlyThatInstall(string project, string prefix, bool expected) =>
        Assert.Equal(expected, KoboNames.IsKoboProject(project, prefix: prefix));
}
