using System.Runtime.CompilerServices;
using Bunit;

namespace KoboConsole.Tests;

internal static class WaitTimeout
{
    /// <summary>
    /// bUnit waits 1 s by default for WaitForAssertion/WaitForState: on a busy two-core CI machine
    /// (load average ~30 during the full suite) a render after a timer can take longer. This is how
    /// long a wait may hang before it fails, not a timing check: passing waits return at once.
    /// </summary>
    [ModuleInitializer]
    internal static void Set() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
}
