using KoboConsole.Testing;

namespace KoboConsole.E2E;

/// <summary>
/// A class fixture for browser tests that only read: one prefixed test-bed stack and one console
/// on a real port for the whole class. <see cref="PrepareAsync"/> adds what the class needs.
/// </summary>
public abstract class StackConsoleBed(string letter) : IAsyncLifetime
{
    public TestBedKobo Stack { get; private set; } = null!;

    public ConsoleAppFactory App { get; private set; } = null!;

    public Uri Base { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stack = await TestBedKobo.UpAsync(letter);
        App = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = Stack.Prefix }, realPort: true);
        Base = App.StartRealServer();
        await PrepareAsync(App.Services);
    }

    /// <summary>What the class's tests read: users, schedules, a restarted container.</summary>
    protected abstract Task PrepareAsync(IServiceProvider services);

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Stack.DisposeAsync();
    }
}
