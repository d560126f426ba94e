using System.Net;
using Casn.Silo.Hosting;

namespace Casn.Service.Tests.Placement;

/// <summary>#19: what a silo of a Kanreg hands over to even out its sittings.</summary>
public sealed class KanregBalanceTests
{
    static readonly SiloAddress A = Silo(1), B = Silo(2), C = Silo(3);

    static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);

    static readonly KanregBalance Balance = new(TimeSpan.FromSeconds(5), MovesPerRound: 100);

    [Fact]
    public void A_full_silo_hands_its_excess_to_a_new_empty_one()
    {
        var plan = Balance.Plan(A, new Dictionary<SiloAddress, int> { [A] = 160, [B] = 0 });
        Assert.Equal([(B, 80)], plan);
    }

    [Fact]
    public void The_emptiest_silo_is_filled_first_and_no_silo_beyond_the_fair_share()
    {
        // 300 over three silos: 100 each. A holds 200: 90 to C (at 10), 10 to B (at 90).
        var plan = Balance.Plan(A, new Dictionary<SiloAddress, int> { [A] = 200, [B] = 90, [C] = 10 });
        Assert.Equal([(C, 90), (B, 10)], plan);
    }

    [Fact]
    public void No_more_than_the_moves_per_round_at_once()
    {
        var plan = Balance.Plan(A, new Dictionary<SiloAddress, int> { [A] = 1000, [B] = 0 });
        Assert.Equal([(B, 100)], plan);
    }

    [Theory]
    [InlineData(105, 95)]   // within 10 % of the fair share of 100: not worth a move
    [InlineData(50, 150)]   // below its share: the fuller silo moves, not this one
    [InlineData(1, 0)]      // one sitting is never split
    public void A_silo_near_or_below_its_share_moves_nothing(int own, int other) =>
        Assert.Empty(Balance.Plan(A, new Dictionary<SiloAddress, int> { [A] = own, [B] = other }));

    [Fact]
    public void A_silo_alone_in_its_Kanreg_or_not_in_the_count_moves_nothing()
    {
        Assert.Empty(Balance.Plan(A, new Dictionary<SiloAddress, int> { [A] = 500 }));
        Assert.Empty(Balance.Plan(A, new Dictionary<SiloAddress, int> { [B] = 500, [C] = 0 }));
    }
}
