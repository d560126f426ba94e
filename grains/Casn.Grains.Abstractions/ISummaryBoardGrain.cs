namespace Casn.Grains.Abstractions;

/// <summary>
/// A test site's board (key <c>site:{region}/{site}</c>) or a Kanreg's (<c>kanreg:{region}</c>), whose
/// parts are rooms, or the nation's (<c>national</c>), whose parts are Kanregs: counts and distributions,
/// coalesced like a room's board.
/// </summary>
public interface ISummaryBoardGrain : IPublishedBoard
{
    public const string National = SummaryBoardKey.NationalKey;

    public static string KanregKey(string region) => SummaryBoardKey.Kanreg(region).ToString();

    public static string SiteKey(string region, string site) => SummaryBoardKey.OfSite(region, site).ToString();

    [OneWay]
    Task Report(string part, BoardSummary summary);

    /// <summary>The nation's board only: candidates shortlisted for SKB per exam, summed over its positions (from the position directory).</summary>
    [OneWay]
    Task ReportShortlisted(Dictionary<string, int> byExam);
}
