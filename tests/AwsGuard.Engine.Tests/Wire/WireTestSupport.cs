using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Tests.Infrastructure;
using Xunit;

namespace AwsGuard.Engine.Tests.Wire;

/// <summary>Runs the AWS CLI or a boto3 script against a local endpoint with the test keys, never the user's profile.</summary>
internal static class Tools
{
    public static readonly AWSCredentials Keys = new BasicAWSCredentials(LocalAws.AccessKey, LocalAws.SecretKey);

    /// <summary>Runs python3 with boto3 available; the script finds the endpoint in ENDPOINT. Fails the test on a non-zero exit.</summary>
    public static Task<string> Python(Uri endpoint, string script) => Run("python3", new[] { "-c", script }, endpoint, check: true);

    /// <summary>
    /// Runs a boto3 script in an account of its own (moto keeps one per assumed role's account), so what it creates is that
    /// account's alone (an organization, every role): the script finds boto3 client arguments for the account in kw.
    /// Returns the account's credentials, its id and the script's output.
    /// </summary>
    public static async Task<(AWSCredentials Credentials, string Account, string Output)> PythonInOwnAccount(Uri endpoint, string script)
    {
        var account = "4" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsDigit).Concat(new string('0', 11)).Take(11));
        var output = await Python(endpoint, $@"
import boto3, os, json
_c = boto3.client('sts', endpoint_url=os.environ['ENDPOINT']).assume_role(RoleArn='arn:aws:iam::{account}:role/seed', RoleSessionName='seed')['Credentials']
print(json.dumps([_c['AccessKeyId'], _c['SecretAccessKey'], _c['SessionToken']]))
kw = dict(endpoint_url=os.environ['ENDPOINT'], aws_access_key_id=_c['AccessKeyId'], aws_secret_access_key=_c['SecretAccessKey'], aws_session_token=_c['SessionToken'])
" + script);
        var lines = output.Split('\n');
        var keys = System.Text.Json.JsonSerializer.Deserialize<string[]>(lines[0])!;
        return (new SessionAWSCredentials(keys[0], keys[1], keys[2]), account, string.Join("\n", lines.Skip(1)).Trim());
    }

    public static Task<string> Aws(Uri endpoint, params string[] args) => Aws(endpoint, null, args);

    /// <summary>The AWS CLI with --endpoint-url; with <paramref name="httpProxy"/>, its requests go through that proxy.</summary>
    public static Task<string> Aws(Uri endpoint, Uri? httpProxy, params string[] args)
    {
        var all = new string[args.Length + 2];
        args.CopyTo(all, 0);
        all[args.Length] = "--endpoint-url";
        all[args.Length + 1] = endpoint.AbsoluteUri.TrimEnd('/');
        return Run("aws", all, endpoint, check: false, httpProxy);
    }

    /// <summary>The AWS CLI with --endpoint-url, signed with these (temporary) keys instead of the test keys.</summary>
    public static Task<string> AwsAs(Uri endpoint, ImmutableCredentials keys, params string[] args) =>
        Run("aws", args.Concat(new[] { "--endpoint-url", endpoint.AbsoluteUri.TrimEnd('/') }).ToArray(), endpoint, check: true, keys: keys);

    private static async Task<string> Run(string file, string[] args, Uri endpoint, bool check, Uri? httpProxy = null, ImmutableCredentials? keys = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("AWS_PROFILE");
        start.Environment.Remove("AWS_SESSION_TOKEN");
        start.Environment["AWS_ACCESS_KEY_ID"] = LocalAws.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = LocalAws.SecretKey;
        start.Environment["AWS_DEFAULT_REGION"] = LocalAws.Region;
        if (keys is not null)
        {
            start.Environment["AWS_ACCESS_KEY_ID"] = keys.AccessKey;
            start.Environment["AWS_SECRET_ACCESS_KEY"] = keys.SecretKey;
            start.Environment["AWS_SESSION_TOKEN"] = keys.Token;
        }
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["ENDPOINT"] = endpoint.AbsoluteUri.TrimEnd('/');
        foreach (var name in new[] { "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy" })
            start.Environment.Remove(name);
        if (httpProxy is not null) start.Environment["HTTP_PROXY"] = httpProxy.AbsoluteUri;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check) Assert.True(process.ExitCode == 0, $"{file} failed ({process.ExitCode}): {await stderr}");
        return await stdout + await stderr;
    }
}
