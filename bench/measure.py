"""Runs one command and prints its cost as JSON: wall seconds, the process tree's own CPU seconds (user + sys)
and peak resident memory in MiB, from the kernel's accounting of finished children (getrusage)."""
import json, resource, subprocess, sys, time

before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "exit": code,
    "wall": round(wall, 3),
    "cpu": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3),
    "peak_mib": round(after.ru_maxrss / 1024, 1),  # the largest child's peak, in KiB on Linux
}))
