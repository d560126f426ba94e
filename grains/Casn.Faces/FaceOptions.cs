namespace Casn.Faces;

/// <summary>Face settings (<c>Casn:Faces</c>). Defaults are the figures measured in docs/faces.md. One class for the whole section: the pipeline's settings and how many
/// workers this silo gives it.</summary>
public sealed class FaceOptions
{
    public const string Section = "Casn:Faces";

    /// <summary>Folder with the four models and manifest.json; by default the copy next to the program.</summary>
    public string ModelDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "onnx-models");

    /// <summary>Same person at or above this cosine similarity (genuine pairs measured >= 0.417, impostors <= 0.403).</summary>
    public double MatchThreshold { get; set; } = 0.41;

    /// <summary>Two embeddings this similar are one person.</summary>
    public bool IsMatch(double similarity) => similarity >= MatchThreshold;

    public double DetectionThreshold { get; set; } = 0.65;

    public double NmsIou { get; set; } = 0.4;

    public int MaxImageBytes { get; set; } = 8 * 1024 * 1024;

    public long MaxImagePixels { get; set; } = 40_000_000;

    public int MinImageSide { get; set; } = 64;

    /// <summary>A face box shorter than this, in pixels, is too small to compare reliably.</summary>
    public int MinFaceHeight { get; set; } = 48;

    /// <summary>
    /// A live capture (check-in or in-exam frame) whose liveness score is below this asks for a retake
    /// (<c>face.not_live</c>). Real photos measured 0.72 and up; see docs/faces-integrity.md for what it
    /// does and does not catch. 0 turns the check off.
    /// </summary>
    public double MinLiveness { get; set; } = 0.5;

    /// <summary>
    /// A check-in capture whose face fingerprint correlates with the registration photo's at or above this is
    /// a copy of that photo (<c>checkin.face_replay</c>), not a new capture. Measured in docs/faces-integrity.md.
    /// </summary>
    public double ReplayCorrelation { get; set; } = 0.90;

    /// <summary>A face whose box reaches this far (share of its size) outside the frame is partial.</summary>
    public double MaxOutsideShare { get; set; } = 0.10;

    /// <summary>
    /// Pipeline workers on this silo: unset = one per core; 0 = this silo does no face work (its checks go to the face
    /// workers of other silos of its Kanreg, else of any).
    /// </summary>
    public int? Workers { get; set; }

    /// <summary>The workers this silo runs: as set, or one per core when unset.</summary>
    public int WorkersOnThisSilo => Workers ?? Environment.ProcessorCount;

    /// <summary>Checks allowed to wait per worker before new ones are answered "busy".</summary>
    public int QueuePerWorker { get; set; } = 8;
}
