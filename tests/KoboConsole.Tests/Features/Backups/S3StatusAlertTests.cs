using Bunit;
using KoboConsole.Web.Features.Backups;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.Tests.Features.Backups;

public sealed class S3StatusAlertTests : MudComponentTest
{
    private readonly S3Status _status = new();

    public S3StatusAlertTests()
    {
        Ctx.Services.AddSingleton(_status);
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // a live circuit: the component follows its feed
    }

    [Theory]
    [InlineData(S3Status.States.NotConfigured)]
    [InlineData(S3Status.States.Checking)]
    [InlineData(S3Status.States.Ok)]
    public void S3StatusAlert_NotFailed_ShowsNothing(S3Status.States state)
    {
        _status.Report(state, null, null);

        var cut = Ctx.Render<S3StatusAlert>();

        Assert.Empty(cut.FindAll("[data-testid=s3-warning]"));
    }

    [Fact]
    public void S3StatusAlert_CheckFailsAfterRender_ShowsTheProblem()
    {
        var cut = Ctx.Render<S3StatusAlert>();

        _status.Report(S3Status.States.Failed, "the secret key is wrong; check KoboConsole:Backups:S3:SecretAccessKey.", DateTimeOffset.UtcNow);

        cut.WaitForAssertion(() => Assert.Contains("check KoboConsole:Backups:S3:SecretAccessKey",
            cut.Find("[data-testid=s3-warning]").TextContent, StringComparison.Ordinal));
    }
}
