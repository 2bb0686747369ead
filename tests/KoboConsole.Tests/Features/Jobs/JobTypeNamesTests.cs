using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Jobs;

namespace KoboConsole.Tests.Features.Jobs;

public sealed class JobTypeNamesTests
{
    [Fact]
    public void ResolveJobType_DrillJobQueuedBeforeDrillsMoved_FindsTheMovedType()
    {
        var type = JobsModule.ResolveJobType("KoboConsole.Web.Features.Restores.Drills.DrillJob, KoboConsole.Web");

        Assert.Equal(typeof(DrillJob), type);
    }

    [Fact]
    public void ResolveJobType_CurrentName_IsUnchanged()
    {
        Assert.Equal(typeof(ScheduledDrillJob), JobsModule.ResolveJobType(typeof(ScheduledDrillJob).FullName + ", KoboConsole.Web"));
    }
}
