"""The way the Python auditors read role trust: boto3, GetAccountAuthorizationDetails (every role with its trust policy,
inline and attached policies and RoleLastUsed, and the customer-managed policies' documents, in pages), then the same
checks as Get-RoleTrust for the trusts seeded here (public, external id, OIDC sub and aud, admin to an outside account).
With --calls it prints the number of AWS calls instead of being measured."""
import sys
import boto3
from warm import cold_then_warm

iam = boto3.client("iam", endpoint_url=sys.argv[1])
account = boto3.client("sts", endpoint_url=sys.argv[1]).get_caller_identity()["Account"]
calls = []
iam.meta.events.register("before-call.iam", lambda **_: calls.append(1))

def items(value):
    return value if isinstance(value, list) else [value]

def admin_like(document):
    return any(s.get("Effect") == "Allow" and "*" in items(s.get("Action", [])) and "*" in items(s.get("Resource", []))
               for s in items(document.get("Statement", [])))

def judge(role, managed):
    admin = any(admin_like(p["PolicyDocument"]) for p in role.get("RolePolicyList", [])) or any(
        managed.get(p["PolicyArn"], False) for p in role.get("AttachedManagedPolicies", []))
    findings = []
    for statement in items(role["AssumeRolePolicyDocument"].get("Statement", [])):
        if statement.get("Effect") != "Allow":
            continue
        conditions = statement.get("Condition", {})
        keys = {key.lower(): (op, value) for op, pairs in conditions.items() for key, value in pairs.items()}
        principal = statement.get("Principal", {})
        for kind, values in ([("*", "*")] if principal == "*" else principal.items()):
            for value in items(values):
                if value == "*":
                    findings.append("PublicTrust")
                elif kind == "AWS" and f":{account}:" not in value and value != account:
                    op, _ = keys.get("sts:externalid", ("", None))
                    if not op:
                        findings.append("ExternalIdMissing")
                    elif "IfExists" in op or "Not" in op:
                        findings.append("ExternalIdNotEnforced")
                    if admin:
                        findings.append("AdminToExternal")
                elif kind == "Federated" and "oidc-provider/" in value:
                    provider = value.split("oidc-provider/", 1)[1].lower()
                    op, sub = keys.get(provider + ":sub", ("", None))
                    if not op or "IfExists" in op or any(str(v).startswith(("*", "repo:*")) for v in items(sub)):
                        findings.append("OidcSubjectNotPinned")
                    if provider + ":aud" not in keys:
                        findings.append("OidcAudienceMissing")
    return role["RoleName"], findings

def audit():
    roles, managed = [], {}
    for page in iam.get_paginator("get_account_authorization_details").paginate(Filter=["Role", "LocalManagedPolicy"]):
        roles += page["RoleDetailList"]
        for policy in page["Policies"]:
            default = next(v for v in policy["PolicyVersionList"] if v["IsDefaultVersion"])
            managed[policy["Arn"]] = admin_like(default["Document"])
    return [judge(role, managed) for role in roles]

if "--calls" in sys.argv:
    audit()
    print(len(calls))
else:
    cold_then_warm(audit)
