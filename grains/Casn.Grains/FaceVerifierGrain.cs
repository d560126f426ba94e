using Casn.Faces;
using Orleans.Runtime.Placement.Filtering;

namespace Casn.Grains;

/// <summary>
/// The face pool: every face check of the service (enrolment, check-in, in-exam frames) runs here. A stateless worker is
/// activated on the calling silo when that silo has face workers; a silo with <c>Casn:Faces:Workers=0</c> does not host
/// this grain at all (<see cref="GrainServices.AddCasnGrains"/>), so its calls are placed on another silo, one of its own
/// Kanreg first (the silos' <c>casn.region</c> metadata), else any.
/// </summary>
[StatelessWorker]
[Reentrant]
// Orleans marks its metadata filters as evaluation (ORLEANSEXP004); this is exactly the behaviour wanted, and the two-silo
// FacePoolPlacementTests would catch a change in it.
#pragma warning disable ORLEANSEXP004
[PreferredMatchSiloMetadataPlacementFilter([KanregPlacementStrategy.RegionMetadataKey], 1)]
#pragma warning restore ORLEANSEXP004
public sealed class FaceVerifierGrain(FaceVerification faces) : Grain, IFaceVerifierGrain
{
    Task<FaceCheck> IFaceVerifierGrain.Analyze(byte[] image) => faces.Analyze(image);
}
