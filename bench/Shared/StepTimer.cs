using System.Diagnostics;

namespace CohortDashboard.Benchmarks;

/// <summary>
/// Times named steps over repeated runs and prints one line per step: runs, wall p50 and max, CPU p50, and a note.
/// Wall-clock is what a user waits; CPU (all threads of this process, SQLite included) shows the work itself and is
/// far less disturbed by other processes competing for the cores.
/// </summary>
internal sealed class StepTimer
{
    private readonly Dictionary<string, List<double>> _wall = new();
    private readonly Dictionary<string, List<double>> _cpu = new();
    private readonly Dictionary<string, string> _notes = new();

    public async Task<T> Time<T>(string step, Func<Task<T>> action)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var result = await action();
        stopwatch.Stop();
        process.Refresh();
        Add(_wall, step, stopwatch.Elapsed.TotalMilliseconds);
        Add(_cpu, step, (process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        return result;
    }

    public void Note(string step, string note) => _notes[step] = note;

    public void Print(int stepWidth)
    {
        Console.WriteLine();
        Console.WriteLine($"{"step".PadRight(stepWidth)} {"n",3} {"p50 ms",9} {"max ms",9} {"CPU p50",9}  note");
        foreach (var (step, values) in _wall)
        {
            var sorted = values.Order().ToArray();
            Console.WriteLine($"{step.PadRight(stepWidth)} {sorted.Length,3} {Median(sorted),9:0.0} {sorted[^1],9:0.0} {Median(_cpu[step].Order().ToArray()),9:0.0}  {_notes.GetValueOrDefault(step)}");
        }
        if (File.Exists("/proc/loadavg")) Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):0} MiB");
    }

    private static void Add(Dictionary<string, List<double>> series, string step, double value)
    {
        if (!series.TryGetValue(step, out var list)) series[step] = list = [];
        list.Add(value);
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
