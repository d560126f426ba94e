using System.Text.Json.Serialization;

namespace Casn.Simulator;

/// <summary>What a simulated test day did, added to from many workstations at once.</summary>
public sealed class SimulationReport
{
    readonly List<double> _ackMs = [];
    readonly Dictionary<string, int> _errors = new(StringComparer.Ordinal);
    readonly List<string> _missing = [];
    int _acked, _candidates, _finished, _caught, _missed, _falseAlarms, _standIns, _viewerEvents, _dropOuts;

    public void Acked(double milliseconds)
    {
        lock (this) { _acked++; _ackMs.Add(milliseconds); }
    }

    public void Error(string code)
    {
        lock (this) _errors[code] = _errors.GetValueOrDefault(code) + 1;
    }

    public void CheckIn(bool standIn, bool admitted)
    {
        lock (this)
        {
            _candidates++;
            if (standIn) _standIns++;
            if (standIn && !admitted) _caught++;
            if (standIn && admitted) _missed++;
            if (!standIn && !admitted) _falseAlarms++;
        }
    }

    public void Finished() { lock (this) _finished++; }

    public void DroppedOut() { lock (this) _dropOuts++; }

    public void ViewerEvent() => Interlocked.Increment(ref _viewerEvents);

    public void Missing(IEnumerable<string> what)
    {
        lock (this) _missing.AddRange(what);
    }

    [JsonPropertyName("answersAcknowledged")] public int AnswersAcknowledged { get { lock (this) return _acked; } }
    [JsonPropertyName("ackMissing")] public IReadOnlyList<string> AckMissing { get { lock (this) return [.. _missing]; } }
    [JsonPropertyName("errors")] public IReadOnlyDictionary<string, int> Errors { get { lock (this) return new Dictionary<string, int>(_errors); } }
    [JsonPropertyName("candidates")] public int Candidates { get { lock (this) return _candidates; } }
    [JsonPropertyName("finished")] public int FinishedCount { get { lock (this) return _finished; } }
    [JsonPropertyName("standIns")] public int StandIns { get { lock (this) return _standIns; } }
    [JsonPropertyName("standInsCaught")] public int StandInsCaught { get { lock (this) return _caught; } }
    [JsonPropertyName("standInsMissed")] public int StandInsMissed { get { lock (this) return _missed; } }
    [JsonPropertyName("falseAlarms")] public int FalseAlarms { get { lock (this) return _falseAlarms; } }
    [JsonPropertyName("dropOuts")] public int DropOuts { get { lock (this) return _dropOuts; } }
    [JsonPropertyName("viewerEvents")] public int ViewerEvents => Volatile.Read(ref _viewerEvents);
    [JsonPropertyName("ackP50Ms")] public double AckP50 => Percentile(50);
    [JsonPropertyName("ackP95Ms")] public double AckP95 => Percentile(95);
    [JsonPropertyName("ackP99Ms")] public double AckP99 => Percentile(99);

    /// <summary>Nearest-rank percentile of acknowledgement latency; NaN with no acks.</summary>
    public double Percentile(double p)
    {
        lock (this)
        {
            if (_ackMs.Count == 0) return double.NaN;
            var sorted = _ackMs.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    /// <summary>
    /// Every acknowledged answer must be what the service stores: for each item the last applied ack's
    /// choice equals the stored choice (a cleared answer is stored as absent). Returns what does not hold.
    /// </summary>
    public static IReadOnlyList<string> Verify(string participantNo, IReadOnlyDictionary<string, int?> acked, IReadOnlyDictionary<string, int> stored)
    {
        var wrong = new List<string>();
        foreach (var (item, choice) in acked)
        {
            var has = stored.TryGetValue(item, out var storedChoice);
            if (choice is null ? has : !has || storedChoice != choice)
                wrong.Add($"{participantNo}/{item}: acknowledged {choice?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "cleared"}, stored {(has ? storedChoice.ToString(System.Globalization.CultureInfo.InvariantCulture) : "nothing")}");
        }
        return wrong;
    }
}
