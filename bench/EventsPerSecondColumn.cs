using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TraceTools.Bench;

/// <summary>
/// The throughput column every suite shows: millions of events per second of mean time, where a suite
/// says how many events one operation handles (1 when it sets <c>OperationsPerInvoke</c> to its event count).
/// </summary>
/// <param name="eventsPerOperation">Events one benchmark operation handles, for a given case.</param>
public sealed class EventsPerSecondColumn(Func<BenchmarkCase, double> eventsPerOperation) : IColumn
{
    /// <inheritdoc/>
    public string Id => nameof(EventsPerSecondColumn);
    /// <inheritdoc/>
    public string ColumnName => "Events/s";
    /// <inheritdoc/>
    public bool AlwaysShow => true;
    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;
    /// <inheritdoc/>
    public int PriorityInCategory => 0;
    /// <inheritdoc/>
    public bool IsNumeric => true;
    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;
    /// <inheritdoc/>
    public string Legend => "Millions of events per second of mean time";
    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;
    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0
            ? (eventsPerOperation(benchmarkCase) / (mean.Value * 1e-9) / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " M"
            : "n/a";
    }
}

/// <summary>A config adding <see cref="EventsPerSecondColumn"/> for suites whose operation is one event.</summary>
public sealed class PerEventConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public PerEventConfig() => AddColumn(new EventsPerSecondColumn(_ => 1));
}
