using Casn.Access;
using Casn.Cli;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Casn.Cli.Tests;

/// <summary><c>casn token operator</c>, the tool for whoever holds the cluster's signing key.</summary>
public sealed class TokenCommandTests
{
    static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray();

    static async Task<(int Code, string Out, string Err)> Casn(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CasnCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString().Trim(), stderr.ToString());
    }

    [Fact]
    public async Task Issues_an_operator_token_that_the_cluster_key_validates()
    {
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(Key) + "\n");
        try
        {
            var (code, token, _) = await Casn("token", "operator", "--kanreg", "KANREG-V", "--id", "op-17", "--name", "Ops Jakarta", "--hours", "2", "--key-file", keyFile);

            Assert.Equal(0, code);
            var checkedToken = await new JsonWebTokenHandler().ValidateTokenAsync(token, new StaffTokens(Key).ValidationParameters());
            Assert.True(checkedToken.IsValid, checkedToken.Exception?.Message);
            Assert.Equal("operator", checkedToken.Claims[StaffClaims.Role]);
            Assert.Equal("KANREG-V", checkedToken.Claims[StaffClaims.Kanreg]);
            Assert.Equal("op-17", checkedToken.Claims["sub"]);
            Assert.InRange(((JsonWebToken)checkedToken.SecurityToken).ValidTo, DateTime.UtcNow.AddHours(1.9), DateTime.UtcNow.AddHours(2.1));

            var other = await new JsonWebTokenHandler().ValidateTokenAsync(token, new StaffTokens(new byte[32]).ValidationParameters());
            Assert.False(other.IsValid);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task Refuses_bad_arguments_and_short_keys_with_a_message()
    {
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(new byte[16]));
        try
        {
            var (code, _, err) = await Casn("token", "operator", "--kanreg", "KANREG-V", "--id", "x", "--name", "y", "--key-file", keyFile);
            Assert.Equal(2, code);
            Assert.Contains("at least 32 bytes", err);

            (code, _, err) = await Casn("token", "operator", "--kanreg", "bad/region", "--id", "x", "--name", "y", "--key-file", keyFile);
            Assert.Equal(2, code);
            Assert.Contains("--kanreg", err);

            (code, _, err) = await Casn("token", "operator", "--kanreg", "national", "--id", "x", "--name", "y", "--hours", "999", "--key-file", keyFile);
            Assert.Equal(2, code);
            Assert.Contains("--hours", err);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
