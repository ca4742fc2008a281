"""Seeds a log group with N events spread over S streams, interleaved in time (event j goes to stream j % S), about
100 bytes each, in PutLogEvents batches of 10,000 (AWS's limit). Usage: seed_logs.py ENDPOINT GROUP EVENTS STREAMS"""
import sys, time
import boto3

endpoint, group, count, streams = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
logs = boto3.client("logs", endpoint_url=endpoint)
base = int(time.time() * 1000) - 3_600_000
logs.create_log_group(logGroupName=group)
for s in range(streams):
    name = f"app-{s + 1}"
    logs.create_log_stream(logGroupName=group, logStreamName=name)
    mine = range(s, count, streams)
    for k in range(0, len(mine), 10_000):
        logs.put_log_events(logGroupName=group, logStreamName=name, logEvents=[
            {"timestamp": base + j // 50, "message": f"INFO request {j:08d} served in 12 ms by worker-7 path=/api/v1/orders status=200"}
            for j in mine[k:k + 10_000]])
