using Casn.Client;
using Casn.Domain;
using Casn.Domain.Exams;
using Casn.Domain.Results;
using Casn.Domain.Rooms;
using Casn.Grains.Abstractions;

namespace Casn.Simulator;

/// <summary>
/// The test day by grain calls, from a client inside the cluster (<c>casn-sim --mode grains --gateway …</c>): the same
/// steps as over HTTP, without HTTP. What the service says to retry (a busy face pool, a silo failing over) is retried.
/// </summary>
public sealed class GrainFloor(IGrainFactory grains, SimulationReport report) : IExamFloor
{
    const string Proctor = "sim-proctor";

    public async Task Prepare(ExamDefinition exam, int openings, CancellationToken cancellationToken)
    {
        (await Retrying(() => grains.GetGrain<IExamGrain>(exam.Id).Define(exam))).Ok();
        (await Retrying(() => grains.GetGrain<IPositionRankingGrain>(PositionKey.Of(exam.Id, TestDay.PositionId))
            .Define(new Position(TestDay.PositionId, "Simulasi", "Formasi simulasi", openings)))).Ok();
    }

    public Task RegisterAll(IReadOnlyList<(Seat Seat, byte[] Photo)> candidates, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (entry, token) =>
            {
                var candidate = grains.GetGrain<ICandidateGrain>(entry.Seat.ParticipantNo);
                Imported(entry.Seat, await candidate.Import(TestDay.ProfileOf(entry.Seat)));
                Imported(entry.Seat, await candidate.ImportPhotoInTurn(entry.Photo, token));
            });

    static void Imported(Seat seat, Casn.Domain.Imports.ImportLineResult result)
    {
        if (result.Fault is { } fault) throw new InvalidOperationException($"{seat.ParticipantNo}: {fault.Code}: {fault.Message}");
    }

    public async Task<IRoomDesk> SetUpRoom(string roomKey, string examId, DateTimeOffset startsAt, IReadOnlyList<Seat> seats, CancellationToken cancellationToken)
    {
        var room = grains.GetGrain<IExamRoomGrain>(roomKey);
        (await Retrying(() => room.Setup(new RoomSetup(examId, roomKey, startsAt, seats.Count)))).Ok();
        (await Retrying(() => room.AddToRoster([.. seats.Select(s => new RosterEntry(s.ParticipantNo, $"K{s.Number}"))]))).Ok();
        return new Desk(this, room);
    }

    sealed class Desk(GrainFloor floor, IExamRoomGrain room) : IRoomDesk
    {
        public async Task<Outcome<string>> CheckInByFace(string participantNo, byte[] capture, CancellationToken cancellationToken)
        {
            var receipt = await floor.Retrying(() => room.CheckIn(new CheckInRequest(participantNo, "face", new ProctorAction(Proctor, "face check-in"), capture)));
            return receipt.IsOk ? Outcome<string>.Of(receipt.Value!.Pin) : Outcome<string>.Failed(receipt.Fault!.Code);
        }

        public async Task Open(CancellationToken cancellationToken) =>
            (await floor.Retrying(() => room.Open(new ProctorAction(Proctor, "simulated start")))).Ok();
    }

    public async Task<IWorkstation> Login(string roomKey, string participantNo, string pin, string workstationKey, CancellationToken cancellationToken)
    {
        var session = grains.GetGrain<ICandidateSessionGrain>(CasnKeys.SessionKeyOf(roomKey, participantNo));
        var grant = (await Retrying(() => session.Login(new LoginRequest(pin, "ws-sim", workstationKey), "casn-sim"))).Ok();
        return new Workstation(this, session, WorkstationCredential.Of(grant.Token, workstationKey));
    }

    sealed class Workstation(GrainFloor floor, ICandidateSessionGrain session, string credential) : IWorkstation
    {
        public async Task<(string ItemId, int Options)[]> Items(CancellationToken cancellationToken) =>
            [.. (await floor.Retrying(() => session.GetPaper(credential))).Ok().Items.Select(i => (i.ItemId, i.Options.Length))];

        public async Task<Outcome<bool>> Answer(long sequence, string itemId, int? choice, CancellationToken cancellationToken)
        {
            var ack = await floor.Retrying(() => session.SubmitAnswer(credential, new AnswerSubmission(sequence, itemId, choice)));
            return ack.IsOk ? Outcome<bool>.Of(ack.Value!.Applied) : Outcome<bool>.Failed(ack.Fault!.Code);
        }

        public async Task<Dictionary<string, int>> StoredAnswers(CancellationToken cancellationToken) =>
            (await floor.Retrying(() => session.GetPaper(credential))).Ok().Answers.ToDictionary(a => a.ItemId, a => a.Choice, StringComparer.Ordinal);

        public async Task<bool> Submit(CancellationToken cancellationToken) => (await floor.Retrying(() => session.Submit(credential))).IsOk;
    }

    /// <summary>A viewer inside the cluster: reads the room board's snapshot four times a second and counts each new version.</summary>
    public async Task View(string roomKey, Action published, CancellationToken cancellationToken)
    {
        var board = grains.GetGrain<ILiveBoardGrain>(roomKey);
        long seen = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var snapshot = await board.GetSnapshot();
                if (snapshot.Version > seen)
                {
                    if (seen > 0) published();
                    seen = snapshot.Version;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The day is over.
        }
    }

    /// <summary>
    /// Calls again while the service says to retry, as a workstation does: a busy face pool (<c>face.busy</c>) or a cluster
    /// that is failing over (a timeout or an Orleans exception), up to about a minute.
    /// </summary>
    async Task<Result<T>> Retrying<T>(Func<Task<Result<T>>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            string code;
            try
            {
                var result = await call();
                if (result.IsOk || result.Fault!.Code != ErrorCodes.FaceBusy || attempt == 30) return result;
                code = result.Fault.Code;
            }
            catch (Exception exception) when (exception is Orleans.Runtime.OrleansException or TimeoutException && attempt < 30)
            {
                code = "service.unavailable";
            }
            report.Error(code);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 2000)));
        }
    }
}
