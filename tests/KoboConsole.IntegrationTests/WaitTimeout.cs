using System.Runtime.CompilerServices;
using Bunit;

namespace KoboConsole.IntegrationTests;

internal static class WaitTimeout
{
    /// <summary>
    /// bUnit waits 1 s by default for WaitForAssertion/WaitForElement; the bUnit tests here run
    /// beside test-bed stacks on a busy two-core machine, where a render after a database write
    /// took longer (a full run failed that way). How long a wait may hang before it fails, not a
    /// timing check: passing waits return at once. The unit project sets the same.
    /// </summary>
    [ModuleInitializer]
    internal static void Set() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
}
