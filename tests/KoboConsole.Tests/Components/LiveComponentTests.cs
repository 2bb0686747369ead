using Bunit;
using KoboConsole.Web.Components;
using KoboConsole.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;

namespace KoboConsole.Tests.Components;

public sealed class LiveComponentTests : MudComponentTest
{
    private readonly ChangeFeed _feed = new();

    public LiveComponentTests() => Ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    [Fact]
    public void Follow_FeedChanges_RefreshesThenRenders()
    {
        var cut = Ctx.Render<Probe>(p => p.Add(x => x.Feed, _feed));
        Assert.Equal("0", cut.Find("#n").TextContent);

        _feed.Raise();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("#n").TextContent));
    }

    [Fact]
    public async Task Follow_ChangesDuringARefresh_OneMorePassNeverTwoAtOnce()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cut = Ctx.Render<Probe>(p => p.Add(x => x.Feed, _feed).Add(x => x.Gate, () => gate.Task));

        _feed.Raise();
        cut.WaitForAssertion(() => Assert.Equal(1, cut.Instance.Started));
        for (var i = 0; i < 20; i++)
        {
            _feed.Raise(); // while the first refresh waits
        }

        await Task.Delay(100);
        Assert.Equal(1, cut.Instance.Started); // nothing starts beside a running refresh
        gate.SetResult();

        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("#n").TextContent));
        await Task.Delay(100);
        Assert.Equal(2, cut.Instance.Started); // twenty changes during the first pass gave one more, not twenty
        Assert.Equal(1, cut.Instance.MaxAtOnce);
    }

    [Fact]
    public void Follow_RefreshThrows_TheErrorBoundaryShowsIt()
    {
        var cut = Ctx.Render<ErrorBoundary>(p => p
            .Add(b => b.ChildContent, (RenderFragment)(b =>
            {
                b.OpenComponent<Probe>(0);
                b.AddAttribute(1, nameof(Probe.Feed), _feed);
                b.AddAttribute(2, nameof(Probe.Fail), true);
                b.CloseComponent();
            }))
            .Add(b => b.ErrorContent, (RenderFragment<Exception>)(ex => b => b.AddMarkupContent(0, $"<p id=\"error\">{ex.Message}</p>"))));

        _feed.Raise();

        cut.WaitForAssertion(() => Assert.Equal("refresh failed on purpose", cut.Find("#error").TextContent));
    }

    [Fact]
    public async Task Dispose_EndsTheSubscriptionAndNoRefreshFollows()
    {
        var cut = Ctx.Render<Probe>(p => p.Add(x => x.Feed, _feed));
        Assert.Equal(1, _feed.Count);

        cut.Instance.Dispose();
        _feed.Raise();
        await Task.Delay(100);

        Assert.Equal(0, _feed.Count);
        Assert.Equal(0, cut.Instance.Started);
    }

    [Fact]
    public void Follow_InAPrerender_DoesNotSubscribe()
    {
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        Ctx.Render<Probe>(p => p.Add(x => x.Feed, _feed));

        Assert.Equal(0, _feed.Count); // a prerender's subscription would notify a dead renderer
    }

    private sealed class Probe : LiveComponent
    {
        private int _atOnce;

        [Parameter] public ILiveFeed Feed { get; set; } = null!;

        [Parameter] public Func<Task>? Gate { get; set; }

        [Parameter] public bool Fail { get; set; }

        public int Started { get; private set; }

        public int Done { get; private set; }

        public int MaxAtOnce { get; private set; }

        protected override void OnInitialized() => Follow(Feed, RefreshAsync);

        private async Task RefreshAsync()
        {
            Started++;
            MaxAtOnce = Math.Max(MaxAtOnce, ++_atOnce);
            try
            {
                if (Fail)
                {
                    throw new InvalidOperationException("refresh failed on purpose");
                }

                if (Gate is not null && Started == 1)
                {
                    await Gate();
                }

                await Task.Yield();
                Done++;
            }
            finally
            {
                _atOnce--;
            }
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "span");
            builder.AddAttribute(1, "id", "n");
            builder.AddContent(2, Done);
            builder.CloseElement();
        }
    }
}
