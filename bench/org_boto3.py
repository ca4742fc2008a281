"""The way an organization is scanned today: boto3 loops over the accounts (Organizations ListAccounts), assumes the
audit role in each, and checks each account's buckets in a thread pool of 10 (ACL, policy, Block Public Access).
Prints the public buckets as sorted "account bucket" lines after the work (bench/measure.py's JSON comes from warm.py).

usage: org_boto3.py ENDPOINT ROLE_NAME OUT_FILE   (the management account's keys come from the environment)
"""
import json, sys
from concurrent.futures import ThreadPoolExecutor
import boto3, botocore.exceptions
from warm import cold_then_warm

endpoint, role_name, out = sys.argv[1], sys.argv[2], sys.argv[3]
ALL_USERS = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


def public(s3, bucket):
    try:
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except botocore.exceptions.ClientError:
        block = {}
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except botocore.exceptions.ClientError:
        policy = {"Statement": []}
    by_acl = not block.get("IgnorePublicAcls") and any(g["Grantee"].get("URI") in ALL_USERS for g in grants)
    by_policy = not block.get("RestrictPublicBuckets") and any(
        s["Effect"] == "Allow" and s.get("Principal") in ("*", {"AWS": "*"}) and not s.get("Condition") for s in policy["Statement"])
    return by_acl or by_policy


def scan():
    sts = boto3.client("sts", endpoint_url=endpoint)
    own = sts.get_caller_identity()["Account"]
    accounts = []
    for page in boto3.client("organizations", endpoint_url=endpoint).get_paginator("list_accounts").paginate():
        accounts += [a["Id"] for a in page["Accounts"] if a["Status"] == "ACTIVE"]
    found = []
    for account in accounts:
        if account == own:
            s3 = boto3.client("s3", endpoint_url=endpoint)
        else:
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role_name}", RoleSessionName="audit")["Credentials"]
            s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=c["AccessKeyId"],
                              aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
        buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        with ThreadPoolExecutor(10) as pool:
            found += [f"{account} {b}" for b, p in zip(buckets, pool.map(lambda b: public(s3, b), buckets)) if p]
    with open(out, "w") as f:
        f.write("\n".join(sorted(found)))


cold_then_warm(scan)
