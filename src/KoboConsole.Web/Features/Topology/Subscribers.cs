namespace KoboConsole.Web.Features.Topology;

/// <summary>Calls the live views' subscribers (pages) one by one.</summary>
internal static class Subscribers
{
    /// <summary>
    /// Calls each subscriber; one that throws (a page whose circuit is gone) is logged and skipped,
    /// so it neither stops the others nor ends the background loop that notifies them.
    /// </summary>
    public static void NotifyAll(IEnumerable<Action> subscribers, ILogger logger)
    {
        foreach (var s in subscribers)
        {
            try
            {
                s();
            }
            catch (Exception ex)
            {
                Log.SubscriberFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }
}
