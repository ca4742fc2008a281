"""boto3's paginator over FilterLogEvents, the way Python scripts read a log group; exits 1 unless every event came.
Usage: logs_boto3.py ENDPOINT GROUP EXPECTED STREAM [STREAM ...]"""
import sys
import boto3
from warm import cold_then_warm

endpoint, group, expected, streams = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
paginator = boto3.client("logs", endpoint_url=endpoint).get_paginator("filter_log_events")

def read():
    count = sum(len(page["events"]) for page in paginator.paginate(logGroupName=group, logStreamNames=streams))
    if count != expected:
        sys.exit(f"read {count} events, expected {expected}")

cold_then_warm(read)
