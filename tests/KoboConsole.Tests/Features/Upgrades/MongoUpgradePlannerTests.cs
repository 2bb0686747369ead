using KoboConsole.Web.Features.Upgrades;

namespace KoboConsole.Tests.Features.Upgrades;

public sealed class MongoUpgradePlannerTests
{
    [Fact]
    public void Plan_34To50_EveryMajorInTurnWithItsImageShellAndFcv()
    {
        var plan = MongoUpgradePlanner.Plan("3.4.24", "3.4", "5.0");

        Assert.True(plan.CanStart, plan.Problem);
        Assert.Equal(["3.6", "4.0", "4.2", "4.4", "5.0"], plan.Hops.Select(h => h.To));
        Assert.Equal(["3.4", "3.6", "4.0", "4.2", "4.4"], plan.Hops.Select(h => h.From));
        Assert.All(plan.Hops, h => Assert.Equal($"mongo:{h.To}", h.Image));
        Assert.All(plan.Hops, h => Assert.Equal("mongo", h.Shell));
        Assert.Equal("db.adminCommand({ setFeatureCompatibilityVersion: \"4.2\" })", plan.Hops[2].SetFeatureCompatibility);
        Assert.All(plan.Hops, h => Assert.Contains($"featureCompatibilityVersion is {h.To}", h.ChecksAfter));
    }

    [Fact]
    public void Plan_50To80_MongoshAndConfirmFrom70()
    {
        var plan = MongoUpgradePlanner.Plan("5.0.31", "5.0", "8.0");

        Assert.Equal(["6.0", "7.0", "8.0"], plan.Hops.Select(h => h.To));
        Assert.All(plan.Hops, h => Assert.Equal("mongosh", h.Shell));
        Assert.DoesNotContain("confirm", plan.Hops[0].SetFeatureCompatibility, StringComparison.Ordinal);
        Assert.Equal("db.adminCommand({ setFeatureCompatibilityVersion: \"7.0\", confirm: true })", plan.Hops[1].SetFeatureCompatibility);
    }

    [Fact]
    public void Plan_FcvBehindTheRunningMajor_AlignsItFirst()
    {
        var plan = MongoUpgradePlanner.Plan("5.0.31", "4.4", "6.0");

        Assert.Equal([("5.0", "5.0"), ("5.0", "6.0")], plan.Hops.Select(h => (h.From, h.To)));
        Assert.Equal("mongo:5.0", plan.Hops[0].Image);
    }

    [Theory]
    [InlineData("5.0.31", "4.4", "not newer than the running 5.0")]
    [InlineData("5.0.31", "5.0", "not newer than the running 5.0")]
    [InlineData("5.0.31", "9.0", "not a MongoDB major")]
    [InlineData("2.6.12", "3.4", "is not one of the majors")]
    [InlineData("garbage", "5.0", "is not one of the majors")]
    public void Plan_ImpossibleTarget_ProblemSaysWhy(string running, string target, string why)
    {
        var plan = MongoUpgradePlanner.Plan(running, null, target);

        Assert.False(plan.CanStart);
        Assert.Empty(plan.Hops);
        Assert.Contains(why, plan.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5.0.31", "5.0")]
    [InlineData("3.4", "3.4")]
    [InlineData("8.0.4-rc1", "8.0")]
    [InlineData("eight", null)]
    public void MajorOf_Versions(string version, string? major) => Assert.Equal(major, MongoUpgradePlanner.MajorOf(version));
}
