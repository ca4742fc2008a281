"""The way the popular Python scanners check buckets: boto3, a thread pool of 10, ACL + policy + Block Public Access per bucket."""
import sys
from concurrent.futures import ThreadPoolExecutor
import boto3, botocore.exceptions
from warm import cold_then_warm

s3 = boto3.client("s3", endpoint_url=sys.argv[1])

def check(bucket):
    found = {"acl": s3.get_bucket_acl(Bucket=bucket)["Grants"]}
    for name, call in (("policy", s3.get_bucket_policy), ("block", s3.get_public_access_block)):
        try:
            found[name] = call(Bucket=bucket)
        except botocore.exceptions.ClientError:
            found[name] = None
    return found

def scan():
    with ThreadPoolExecutor(10) as pool:
        return list(pool.map(check, [b["Name"] for b in s3.list_buckets()["Buckets"]]))

cold_then_warm(scan)
