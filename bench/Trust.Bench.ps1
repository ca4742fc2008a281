<#
.SYNOPSIS
    Workload 5: role trust. Get-RoleTrust reading and judging every role of an account against a boto3 script that reads
    the same facts with GetAccountAuthorizationDetails and makes the same checks, on the same moto server; AWS calls per
    role side by side. Writes a markdown section to the output.
#>
param([int] $Roles = 1000, [int] $Runs = 3)
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force

$aws = Start-LocalAws
try {
    $url = $aws.Url
    & python3 (Join-Path $PSScriptRoot 'seed_roles.py') $url $Roles
    if ($LASTEXITCODE) { throw 'Seeding failed.' }
    $boto = @('python3', (Join-Path $PSScriptRoot 'trust_boto3.py'), $url)
    $tools = [ordered]@{
        'AwsGuard Get-RoleTrust'                          = Get-AwsGuardCommand "Get-RoleTrust -EndpointUrl '$url'" -Warm
        'boto3, GetAccountAuthorizationDetails + checks' = $boto
    }
    $rows = @(Compare-Tool -Tools $tools -Runs $Runs)

    # AwsGuard's calls from its call log; boto3's from its own event hook.
    $log = Get-AwsGuardCallLog "Get-RoleTrust -EndpointUrl '$url'"
    $byOperation = $log | ForEach-Object { ("$_" -split ' ')[1..2] -join ' ' } | Group-Object | Sort-Object Name |
        ForEach-Object { "$($_.Name) $($_.Count)" }
    $botoCalls = [int](& $boto[0] @($boto | Select-Object -Skip 1) --calls)
}
finally { Stop-LoopbackServer $aws }

$guard, $peer = $rows[0], $rows[1]
"## 5. Role trust of $Roles roles"
''
'A fifth each trusting an outside account without and with an external id, GitHub Actions (repository-wide sub), EC2 and the account itself; one inline policy each, every tenth also a shared admin-like managed policy (bench/seed_roles.py).'
'The boto3 script (bench/trust_boto3.py) reads the same with GetAccountAuthorizationDetails and makes the same checks for these trusts; it has no organization lookup, no staleness rule and none of the near-miss rules (IfExists on MFA, wildcards in pins, policy variables).'
''
ConvertTo-MarkdownTable $rows
''
"- AWS calls: AwsGuard $($log.Count), $([math]::Round($log.Count / $Roles, 3)) a role ($($byOperation -join ', ')); boto3 $botoCalls, $([math]::Round($botoCalls / $Roles, 3)) a role. moto answers GetAccountAuthorizationDetails in one page; AWS pages at 1,000 entries (roles and policies together)."
"- Both read every role with GetAccountAuthorizationDetails (pages of up to 1,000 entries, roles and customer-managed policies); AwsGuard also lists the organization's accounts once. A role named on the command line costs AwsGuard GetRole, ListRolePolicies, ListAttachedRolePolicies and GetRolePolicy per inline policy instead (ListRoles does not return RoleLastUsed on AWS)."
"- Client CPU, AwsGuard over boto3: cold $([math]::Round($guard.CpuS / $peer.CpuS, 2)), warm $([math]::Round($guard.WarmCpuS / $peer.WarmCpuS, 2))."
