"""Seeds N buckets of mixed configurations: a quarter public by ACL, a quarter by policy, a quarter blocked, a quarter private."""
import json, sys
import boto3

endpoint, count = sys.argv[1], int(sys.argv[2])
s3 = boto3.client("s3", endpoint_url=endpoint)
for i in range(count):
    bucket, kind = f"bench-{i:04d}", i % 4
    s3.create_bucket(Bucket=bucket, **({"ACL": "public-read"} if kind in (0, 2) else {}))
    if kind == 1:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    if kind == 2:
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
