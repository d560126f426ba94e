using Casn.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Casn.Service.Tests.Redis;

public sealed class ConfigurationTests
{
    static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();

    [Fact]
    public void The_redis_profile_without_a_connection_string_names_the_missing_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SiloComposition.RedisOptionsFrom(Config(("Casn:Orleans:Profile", "Redis"))));
        Assert.Contains("Casn:Redis:ConnectionString is required", error.Message);
    }

    [Fact]
    public void A_broken_connection_string_is_refused_with_the_setting_named()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SiloComposition.RedisOptionsFrom(Config(("Casn:Redis:ConnectionString", "127.0.0.1:6380,connectTimeout=soon"))));
        Assert.Contains("Casn:Redis:ConnectionString is not a valid Redis configuration", error.Message);
    }

    [Fact]
    public void The_redis_profile_refuses_to_start_without_a_biometric_key()
    {
        using var factory = new Http.SiloFactory().WithWebHostBuilder(b => b
            .UseSetting("Casn:Orleans:Profile", "Redis")
            .UseSetting("Casn:Redis:ConnectionString", "127.0.0.1:1"));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Casn:Biometrics:Key (base64 of 32 bytes) is required", error.ToString());
    }

    [Theory]
    [InlineData("", "Casn:Auth:SigningKey (base64 of at least 32 bytes) is required")]
    [InlineData("c2hvcnQ=", "Casn:Auth:SigningKey must be at least 32 bytes")]
    [InlineData("not base64!", "Casn:Auth:SigningKey is not base64")]
    public void The_redis_profile_refuses_to_start_without_a_good_signing_key(string key, string message)
    {
        using var factory = new Http.SiloFactory().WithWebHostBuilder(b => b
            .UseSetting("Casn:Orleans:Profile", "Redis")
            .UseSetting("Casn:Redis:ConnectionString", "127.0.0.1:1")
            .UseSetting("Casn:Biometrics:Key", Convert.ToBase64String(new byte[32]))
            .UseSetting("Casn:Storage:BlobConnectionString", "UseDevelopmentStorage=true")
            .UseSetting("Casn:Archive:SigningKey", Support.TestStaff.ArchiveSigningKey)
            .UseSetting("Casn:Auth:SigningKey", key));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public void The_redis_profile_names_missing_blob_storage_and_archive_key()
    {
        using var noBlobs = new Http.SiloFactory().WithWebHostBuilder(b => b
            .UseSetting("Casn:Orleans:Profile", "Redis")
            .UseSetting("Casn:Redis:ConnectionString", "127.0.0.1:1")
            .UseSetting("Casn:Biometrics:Key", Convert.ToBase64String(new byte[32])));
        Assert.Contains("Casn:Storage:BlobConnectionString is required", Assert.ThrowsAny<Exception>(() => noBlobs.CreateClient()).ToString());

        using var noArchiveKey = noBlobs.WithWebHostBuilder(b => b.UseSetting("Casn:Storage:BlobConnectionString", "UseDevelopmentStorage=true"));
        Assert.Contains("Casn:Archive:SigningKey (EC P-256 private key, PKCS#8, base64) is required", Assert.ThrowsAny<Exception>(() => noArchiveKey.CreateClient()).ToString());

        using var noPublicAddress = noArchiveKey.WithWebHostBuilder(b => b
            .UseSetting("Casn:Archive:SigningKey", Support.TestStaff.ArchiveSigningKey).UseSetting("Casn:PublicBaseUrl", ""));
        Assert.Contains("Casn:PublicBaseUrl (e.g. https://ujian.example.go.id) is required", Assert.ThrowsAny<Exception>(() => noPublicAddress.CreateClient()).ToString());
        using var badPublicAddress = new Http.SiloFactory().WithWebHostBuilder(b => b.UseSetting("Casn:PublicBaseUrl", "javascript:alert(1)"));
        Assert.Contains("Casn:PublicBaseUrl must be an http(s) address", Assert.ThrowsAny<Exception>(() => badPublicAddress.CreateClient()).ToString());
    }

    [Fact]
    public void An_unknown_profile_is_refused_at_start_up()
    {
        using var factory = new Http.SiloFactory().WithWebHostBuilder(b => b.UseSetting("Casn:Orleans:Profile", "Cassandra"));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Casn:Orleans:Profile is 'Cassandra'", error.ToString());
    }

    [Fact]
    public void A_board_keep_alive_under_100_ms_is_refused_at_start_up()
    {
        using var factory = new Http.SiloFactory().WithWebHostBuilder(b => b.UseSetting("Casn:Boards:KeepAliveEvery", "00:00:00.010"));
        Assert.Contains("Casn:Boards:KeepAliveEvery must be at least 100 ms", Assert.ThrowsAny<Exception>(() => factory.CreateClient()).ToString());
    }

    [Fact]
    public void A_limit_of_answers_the_answer_log_cannot_number_is_refused_at_start_up()
    {
        using var factory = new Http.SiloFactory().WithWebHostBuilder(b => b.UseSetting("Casn:Sessions:MaxAnswers", "100000000"));
        Assert.Contains("Casn:Sessions:MaxAnswers must be 1-1000000", Assert.ThrowsAny<Exception>(() => factory.CreateClient()).ToString());
    }
}
