"""For the Python peers: run the work once (cold, with the interpreter's start and imports before it), then twice more
in the same process, printing each repeat's own wall and CPU time as {"warm_wall": s, "warm_cpu": s}; bench/measure.py
reports the last, as it does for AwsGuard's (see Get-AwsGuardCommand -Warm)."""
import json, resource, time


def cold_then_warm(work, repeats=2):
    work()
    for _ in range(repeats):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu, start = usage.ru_utime + usage.ru_stime, time.perf_counter()
        work()
        wall = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({"warm_wall": wall, "warm_cpu": usage.ru_utime + usage.ru_stime - cpu}))
