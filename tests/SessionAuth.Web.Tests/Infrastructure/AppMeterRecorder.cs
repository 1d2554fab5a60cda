using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>
/// Every measurement of one app instance's "SessionAuth" meter. OpenTelemetry's exporters listen to a
/// meter by name in the whole process, where other test classes' apps count too; this listens to the
/// meter of this app's own IMeterFactory only, so a test can assert exact counts.
/// </summary>
internal sealed class AppMeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public AppMeterRecorder(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "SessionAuth" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of a counter's measurements that carry every given tag.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        Matching(instrument, tags).Sum(m => m.Value);

    /// <summary>How many measurements an instrument (e.g. a histogram) received with every given tag.</summary>
    public int Count(string instrument, params (string Key, string Value)[] tags) =>
        Matching(instrument, tags).Count();

    public void Dispose() => _listener.Dispose();

    private IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Matching(string instrument, (string Key, string Value)[] tags) =>
        _measurements.Where(m => m.Instrument == instrument
            && tags.All(t => m.Tags.TryGetValue(t.Key, out var value) && Equals(value, t.Value)));

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
