using Casn.Domain.Sessions;

namespace Casn.Domain.Rooms;

/// <summary>What changed in a room's projection since a version a reader already has.</summary>
[GenerateSerializer, Immutable]
public sealed record SeatChanges(
    [property: Id(0)] long Version,
    [property: Id(1)] SeatLine[] Seats,
    [property: Id(2)] string[] Removed);

/// <summary>A room's seat projection as it stands, moving with its room to another silo (a drain).</summary>
[GenerateSerializer, Immutable]
public sealed record SeatProjectionState(
    [property: Id(0)] SeatLine[] Lines,
    [property: Id(1)] long[] LineVersions,
    [property: Id(2)] string[] Removed,
    [property: Id(3)] long[] RemovedVersions,
    [property: Id(4)] long Version);

/// <summary>
/// The proctor's picture of a room: one line per seat, as the sittings last sent them, each with the room's
/// latest incident about that seat. It lives in the room's memory only: the sittings send their lines when
/// they change, and a room that has just activated asks each sitting once. Every change bumps
/// <see cref="Version"/>, so a console can ask only for what changed since what it has.
/// </summary>
public sealed class SeatProjection
{
    sealed record Entry(SeatLine Line, long Version);

    readonly Dictionary<string, Entry> _seats = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> _removed = new(StringComparer.Ordinal);

    public long Version { get; private set; }

    public int Count => _seats.Count;

    /// <summary>Takes a sitting's line unless a newer one is already here; true when it was taken.</summary>
    public bool Apply(SeatLine line)
    {
        if (_seats.TryGetValue(line.ParticipantNo, out var current))
        {
            if (current.Line.Revision >= line.Revision) return false;
            line = line with { LatestIncident = current.Line.LatestIncident };
        }
        _removed.Remove(line.ParticipantNo);
        _seats[line.ParticipantNo] = new(line, ++Version);
        return true;
    }

    /// <summary>An incident about a seat becomes its latest; a room-wide one (no participant) only bumps the version.</summary>
    public void Record(RoomIncident incident)
    {
        if (_seats.TryGetValue(incident.ParticipantNo, out var current))
            _seats[incident.ParticipantNo] = new(current.Line with { LatestIncident = incident }, ++Version);
        else
            Version++;
    }

    /// <summary>Something outside the seats changed (the room opened or closed): readers should look again.</summary>
    public void Touch() => Version++;

    public void Remove(string participantNo)
    {
        if (_seats.Remove(participantNo)) _removed[participantNo] = ++Version;
    }

    public bool Has(string participantNo) => _seats.ContainsKey(participantNo);

    /// <summary>Everything the projection holds, versions included, so consoles asking "since" carry on after a move.</summary>
    public SeatProjectionState Save() => new(
        [.. _seats.Values.Select(e => e.Line)], [.. _seats.Values.Select(e => e.Version)], [.. _removed.Keys], [.. _removed.Values], Version);

    /// <summary>Takes over what <see cref="Save"/> gave, in place of whatever this projection held.</summary>
    public void Restore(SeatProjectionState state)
    {
        _seats.Clear();
        _removed.Clear();
        for (var i = 0; i < state.Lines.Length; i++) _seats[state.Lines[i].ParticipantNo] = new(state.Lines[i], state.LineVersions[i]);
        for (var i = 0; i < state.Removed.Length; i++) _removed[state.Removed[i]] = state.RemovedVersions[i];
        Version = state.Version;
    }

    /// <summary>Every seat, clocks moved on to <paramref name="now"/>, in participant order.</summary>
    public SeatLine[] Seats(DateTimeOffset now) =>
        [.. _seats.Values.Select(e => e.Line.At(now)).OrderBy(l => l.ParticipantNo, StringComparer.Ordinal)];

    /// <summary>The seats changed and removed after <paramref name="since"/>.</summary>
    public SeatChanges ChangesSince(long since, DateTimeOffset now) => new(
        Version,
        [.. _seats.Values.Where(e => e.Version > since).Select(e => e.Line.At(now)).OrderBy(l => l.ParticipantNo, StringComparer.Ordinal)],
        [.. _removed.Where(r => r.Value > since).Select(r => r.Key).Order(StringComparer.Ordinal)]);

    public Attendance Attendance()
    {
        int checkedIn = 0, inProgress = 0, suspended = 0, finished = 0, absent = 0;
        foreach (var entry in _seats.Values)
        {
            switch (entry.Line.Status)
            {
                case SessionStatus.CheckedIn: checkedIn++; break;
                case SessionStatus.InProgress: inProgress++; break;
                case SessionStatus.Suspended: suspended++; break;
                case SessionStatus.Finished when entry.Line.FinishReason != FinishReason.Absent: finished++; break;
                default: absent++; break;
            }
        }
        return new(_seats.Count, checkedIn, inProgress, suspended, finished, absent);
    }
}
