namespace KoboConsole.IntegrationTests.TestBed;

/// <summary>
/// The test bed tests that must not overlap one another: the current, legacy and unprefixed
/// multihost generations use kobo's fixed names (kobofe, kobobe, kobodocker and their networks),
/// so two such stacks cannot exist at once. They run one at a time in this collection, beside
/// everything else. Every other test bed class takes <see cref="TestBedFixture"/> as a class
/// fixture, starts prefixed stacks of its own, and runs in parallel (docs/testing.md).
/// </summary>
[CollectionDefinition(Name)]
public sealed class TestBedDefinition : ICollectionFixture<TestBedFixture>
{
    public const string Name = "TestBed fixed names";
}

/// <summary>
/// Tests that measure something process-wide (the metrics every console host in this process
/// reports through one listener): run after the parallel collections, with nothing beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneDefinition : ICollectionFixture<TestBedFixture>
{
    public const string Name = "Alone";
}
