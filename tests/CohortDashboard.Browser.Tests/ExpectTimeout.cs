using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace CohortDashboard.Browser.Tests;

internal static class ExpectTimeout
{
    /// <summary>
    /// Playwright's 5 s default for web-first assertions is too short on a two-core CI machine running two apps and
    /// two Chromiums at once: a server round trip plus a plotly re-render has been seen to take longer. A slow pass
    /// costs seconds; a wrong result still fails, only later.
    /// </summary>
    [ModuleInitializer]
    internal static void Lengthen() => Assertions.SetDefaultExpectTimeout(20_000);
}
