"""The local server's own ceiling for a workload: the same HTTP calls, unsigned (moto does not check signatures),
from N threads each on one kept-alive connection, with no SDK in the way. Prints calls and seconds as JSON.
Usage: raw_ceiling.py ENDPOINT THREADS PATH [PATH ...]   (a PATH may be repeated; each is one GET)"""
import http.client, json, sys, threading, time, urllib.parse

endpoint, threads, paths = urllib.parse.urlsplit(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
lock, queue = threading.Lock(), list(paths)

def worker():
    connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port)
    while True:
        with lock:
            if not queue:
                return
            path = queue.pop()
        connection.request("GET", path, headers={"Authorization": "AWS4-HMAC-SHA256 Credential=AKIARAW/20260101/us-east-1/s3/aws4_request"})
        connection.getresponse().read()

start = time.perf_counter()
pool = [threading.Thread(target=worker) for _ in range(threads)]
for t in pool: t.start()
for t in pool: t.join()
print(json.dumps({"calls": len(paths), "wall": round(time.perf_counter() - start, 3)}))
