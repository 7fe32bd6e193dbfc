using CohortDashboard.Testing;

namespace CohortDashboard.Components.Tests;

/// <summary>
/// The real app, started once per test class with its seeded demo database, for components that read and write data:
/// they run against the same services and SQLite database the pages use.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public CohortAppFactory Factory { get; } = new();

    public IServiceProvider Services => Factory.Services;

    public ValueTask InitializeAsync()
    {
        _ = Factory.BaseAddress; // starts the host: migrations and demo seeding happen here
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
