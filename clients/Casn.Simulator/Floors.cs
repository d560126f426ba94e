using Casn.Domain.Exams;

namespace Casn.Simulator;

/// <summary>A call's answer as a test day counts it: the value, or the error code it got.</summary>
public readonly record struct Outcome<T>(T? Value, string? Code)
{
    public bool Ok => Code is null;

    public static Outcome<T> Of(T value) => new(value, null);

    public static Outcome<T> Failed(string code) => new(default, code);
}

/// <summary>
/// The way a test day reaches the service: the public HTTP API, as agencies' tools, proctors and workstations do
/// (<see cref="HttpFloor"/>), or grain calls from inside the cluster, as a test harness does (<see cref="GrainFloor"/>).
/// Retrying what the service says to retry is the floor's business; the day only sees outcomes.
/// </summary>
public interface IExamFloor
{
    /// <summary>Defines the exam and the day's position (<c>POS-SIM</c>).</summary>
    Task Prepare(ExamDefinition exam, int openings, CancellationToken cancellationToken);

    /// <summary>Registers the seats' candidates for the day's position and enrols their registration photos, in bulk.</summary>
    Task RegisterAll(IReadOnlyList<(Seat Seat, byte[] Photo)> candidates, CancellationToken cancellationToken);

    /// <summary>Sets a room up, seats its candidates, and gives its proctor's desk.</summary>
    Task<IRoomDesk> SetUpRoom(string roomKey, string examId, DateTimeOffset startsAt, IReadOnlyList<Seat> seats, CancellationToken cancellationToken);

    Task<IWorkstation> Login(string roomKey, string participantNo, string pin, string workstationKey, CancellationToken cancellationToken);

    /// <summary>A public viewer of the room's board: <paramref name="published"/> for each new board state, until cancelled.</summary>
    Task View(string roomKey, Action published, CancellationToken cancellationToken);
}

public interface IRoomDesk
{
    /// <summary>A face check-in with the live capture: the PIN, or the code it was refused with.</summary>
    Task<Outcome<string>> CheckInByFace(string participantNo, byte[] capture, CancellationToken cancellationToken);

    Task Open(CancellationToken cancellationToken);
}

public interface IWorkstation
{
    /// <summary>The paper's items in this candidate's order, with how many options each shows.</summary>
    Task<(string ItemId, int Options)[]> Items(CancellationToken cancellationToken);

    /// <summary>An answer; the value says whether it was applied (a newer one for the item may have been stored first).</summary>
    Task<Outcome<bool>> Answer(long sequence, string itemId, int? choice, CancellationToken cancellationToken);

    /// <summary>The answers the service holds now, by item.</summary>
    Task<Dictionary<string, int>> StoredAnswers(CancellationToken cancellationToken);

    Task<bool> Submit(CancellationToken cancellationToken);
}
