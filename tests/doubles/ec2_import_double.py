#!/usr/bin/env python3
"""A test double of EC2's VM Import image operations (moto has none): ImportImage, DescribeImportImageTasks and
CancelImportTask, over the EC2 Query protocol.

    python3 ec2_import_double.py --port 8124 [--host 127.0.0.1] [--forward http://127.0.0.1:5000/]

With --forward, every other EC2 action (DescribeRegions, DescribeAddresses, ...) goes on unchanged to that server (moto),
so AWS_ENDPOINT_URL_EC2 can point here for every EC2 call of a test run.

It follows botocore's ec2 2016-11-15 model: form-encoded Action/Version bodies with lists as DiskContainer.1.Format and
ImportTaskId.1, XML answers in the 2016-11-15 namespace with the model's locationNames (importTaskId, snapshotDetailSet
of item, ...), and EC2's error document (Response/Errors/Error with Code and Message). The SigV4 Authorization header is
checked for its shape and its credential scope (ec2, a region), as tests/doubles/sigv4_scope.py says.

A task walks AWS's real statuses, one step for each DescribeImportImageTasks answer that includes it, so a test
decides the pace by how often it asks (no clock): active with StatusMessage pending, converting, updating, booting,
preparing ami, then completed with an AMI and a snapshot. A task whose disk key was given an outcome fails instead
after converting (deleting, then deleted, with the failure text as StatusMessage), or holds at converting. A
cancelled task goes to deleting, then deleted.

Admin API (no signature):
    GET  /_double/health            200 when serving
    POST /_double/outcome           {"s3Key": "...", "failWith": "ClientError: ..."} or {"s3Key": "...", "hold": true}
    GET  /_double/tasks             every task with the ImportImage parameters it was started with
    GET  /_double/requests          {"count": n, "operations": {"ImportImage": n, ...}} of API calls
"""
import json
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl
from urllib.request import Request, urlopen
from urllib.error import HTTPError
from xml.sax.saxutils import escape

from double_server import arguments, serve
from sigv4_scope import SigningError, scope_region

VERSION = "2016-11-15"
NAMESPACE = f"http://ec2.amazonaws.com/doc/{VERSION}/"
ACTIVE = [("pending", "2"), ("converting", "28"), ("updating", "52"), ("booting", "74"), ("preparing ami", "85")]
FORMATS = {"ova", "vmdk", "vhd", "vhdx", "raw"}
PLATFORMS = {"Windows", "Linux"}
LICENSES = {"AWS", "BYOL", "Auto"}
BOOT_MODES = {"legacy-bios", "uefi", "uefi-preferred"}

LOCK = threading.Lock()
TASKS = {}     # ImportTaskId -> task dict
OUTCOMES = {}  # S3 key -> {"failWith": text} or {"hold": True}
CALLS = {}     # operation -> count
TOKENS = {}    # (region, ClientToken) -> ImportTaskId
FORWARD = None  # --forward: the server every other action goes to


class ApiError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def hex_id(prefix, length=17):
    return prefix + uuid.uuid4().hex[:length]


# ---- the operations -------------------------------------------------------------------------------------------

def members(params, prefix):
    """The numbered members of a flattened list: DiskContainer.1.Format -> [{"Format": ...}], ImportTaskId.1 -> [value]."""
    found = {}
    for key, value in params.items():
        if not key.startswith(prefix + "."):
            continue
        rest = key[len(prefix) + 1:]
        index, _, field = rest.partition(".")
        if not index.isdigit():
            raise ApiError("InvalidParameterValue", f"Invalid list index in {key}.")
        if field:
            found.setdefault(int(index), {})[field] = value
        else:
            found[int(index)] = value
    return [found[i] for i in sorted(found)]


def choice(params, name, allowed):
    value = params.get(name)
    if value is not None and value not in allowed:
        raise ApiError("InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid. Expected one of: {', '.join(sorted(allowed))}.")
    return value


def import_image(params, region):
    containers = members(params, "DiskContainer")
    if not containers:
        raise ApiError("MissingParameter", "The request must contain the parameter DiskContainer.")
    disks = []
    for disk in containers:
        fmt = disk.get("Format", "")
        if fmt.lower() not in FORMATS:
            raise ApiError("InvalidParameter", f"Unsupported disk image format '{fmt}'. Supported formats: OVA, VMDK, VHD, VHDX, RAW.")
        bucket, key = disk.get("UserBucket.S3Bucket"), disk.get("UserBucket.S3Key")
        if not (bucket and key) and not disk.get("Url"):
            raise ApiError("InvalidParameter", "Each disk container needs UserBucket (S3Bucket and S3Key) or Url.")
        disks.append({"format": fmt.upper(), "bucket": bucket, "key": key})
    platform = choice(params, "Platform", PLATFORMS)
    license_type = choice(params, "LicenseType", LICENSES)
    boot_mode = choice(params, "BootMode", BOOT_MODES)
    encrypted = params.get("Encrypted") == "true"
    if params.get("KmsKeyId") and not encrypted:
        raise ApiError("InvalidParameterCombination", "KmsKeyId can only be specified when Encrypted is true.")
    token = params.get("ClientToken")
    if token and (region, token) in TOKENS:
        return "ImportImageResponse", task_xml(TASKS[TOKENS[(region, token)]], top_level=True)
    task = {
        "region": region, "id": hex_id("import-ami-"), "step": 0, "status": "active", "message": ACTIVE[0][0],
        "progress": ACTIVE[0][1], "disks": disks, "outcome": OUTCOMES.get(disks[0]["key"], {}), "imageId": None, "snapshots": [],
        "request": {k: v for k, v in params.items() if k not in ("Action", "Version")},
        "description": params.get("Description"), "platform": platform, "licenseType": license_type, "bootMode": boot_mode,
        "encrypted": encrypted, "kmsKeyId": params.get("KmsKeyId"),
    }
    TASKS[task["id"]] = task
    if token:
        TOKENS[(region, token)] = task["id"]
    return "ImportImageResponse", task_xml(task, top_level=True)


def advance(task):
    """One step along AWS's statuses."""
    outcome = task["outcome"]
    if task["status"] == "deleting":
        task.update(status="deleted", progress=None)
    elif task["status"] != "active":
        return
    elif outcome.get("hold") and ACTIVE[task["step"]][0] == "converting":
        return
    elif outcome.get("failWith") and ACTIVE[task["step"]][0] == "converting":
        task.update(status="deleting", message=outcome["failWith"], progress=None)
    elif task["step"] + 1 < len(ACTIVE):
        task["step"] += 1
        task["message"], task["progress"] = ACTIVE[task["step"]]
    else:
        task.update(status="completed", message=None, progress=None, imageId=hex_id("ami-"),
                    snapshots=[hex_id("snap-") for _ in task["disks"]])


def describe_import_image_tasks(params, region):
    ids = members(params, "ImportTaskId")
    for task_id in ids:
        if task_id not in TASKS or TASKS[task_id]["region"] != region:
            raise ApiError("InvalidConversionTaskId.Malformed" if not task_id.startswith("import-ami-") else "InvalidConversionTaskId",
                           f"The import task ID '{task_id}' does not exist.")
    chosen = [TASKS[i] for i in ids] if ids else [t for t in TASKS.values() if t["region"] == region]
    limit = int(params.get("MaxResults") or 0) or len(chosen) or 1
    start = int(params.get("NextToken") or 0)
    page = chosen[start:start + limit]
    for task in page:
        advance(task)
    body = "<importImageTaskSet>" + "".join(f"<item>{task_xml(t)}</item>" for t in page) + "</importImageTaskSet>"
    if start + limit < len(chosen):
        body += f"<nextToken>{start + limit}</nextToken>"
    return "DescribeImportImageTasksResponse", body


def cancel_import_task(params, region):
    task_id = params.get("ImportTaskId")
    if not task_id:
        raise ApiError("MissingParameter", "The request must contain the parameter ImportTaskId.")
    task = TASKS.get(task_id)
    if task is None or task["region"] != region:
        raise ApiError("InvalidConversionTaskId", f"The import task ID '{task_id}' does not exist.")
    if task["status"] != "active":
        raise ApiError("IncorrectState", f"The import task '{task_id}' is {task['status']} and can no longer be cancelled.")
    task.update(status="deleting", message="CancelPending" if not params.get("CancelReason") else params["CancelReason"], progress=None)
    return "CancelImportTaskResponse", (f"<importTaskId>{task_id}</importTaskId><previousState>active</previousState>"
                                         f"<state>deleting</state>")


OPERATIONS = {
    "ImportImage": import_image,
    "DescribeImportImageTasks": describe_import_image_tasks,
    "CancelImportTask": cancel_import_task,
}


def element(name, value):
    if value is None:
        return ""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"<{name}>{escape(text)}</{name}>"


def task_xml(task, top_level=False):
    snapshots = "".join(
        "<item>" + element("diskImageSize", 1073741824.0) + element("format", d["format"])
        + (f"<userBucket>{element('s3Bucket', d['bucket'])}{element('s3Key', d['key'])}</userBucket>" if d["bucket"] else "")
        + element("snapshotId", task["snapshots"][i] if task["snapshots"] else None)
        + element("status", "completed" if task["status"] == "completed" else task["status"]) + "</item>"
        for i, d in enumerate(task["disks"]))
    return (element("importTaskId", task["id"]) + element("description", task["description"])
            + element("platform", task["platform"]) + element("licenseType", task["licenseType"])
            + ("" if top_level else element("bootMode", task["bootMode"]))
            + element("encrypted", task["encrypted"]) + element("kmsKeyId", task["kmsKeyId"])
            + element("imageId", task["imageId"]) + element("progress", task["progress"])
            + f"<snapshotDetailSet>{snapshots}</snapshotDetailSet>"
            + element("status", task["status"]) + element("statusMessage", task["message"]))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: tests read their own output
        pass

    def send(self, status, data, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def json(self, status, body):
        self.send(status, json.dumps(body).encode("utf-8"), "application/json")

    def xml(self, status, text):
        self.send(status, ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8"), "text/xml;charset=UTF-8")

    def do_GET(self):
        with LOCK:
            if self.path == "/_double/health":
                return self.json(200, {"ok": True})
            if self.path == "/_double/requests":
                return self.json(200, {"count": sum(CALLS.values()), "operations": dict(CALLS)})
            if self.path == "/_double/tasks":
                return self.json(200, [{"ImportTaskId": t["id"], "Region": t["region"], "Status": t["status"], "Request": t["request"]}
                                       for t in TASKS.values()])
        self.json(404, {"message": "not found"})

    def forward(self, raw):
        """Sends the request as it came (signature included) to the --forward server and its answer back."""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
        try:
            with urlopen(Request(FORWARD.rstrip("/") + self.path, data=raw, headers=headers, method="POST"), timeout=60) as answer:
                status, body, content_type = answer.status, answer.read(), answer.headers.get("Content-Type", "text/xml")
        except HTTPError as e:
            status, body, content_type = e.code, e.read(), e.headers.get("Content-Type", "text/xml")
        self.send(status, body, content_type)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/_double/outcome":
            try:
                spec = json.loads(raw)
                with LOCK:
                    OUTCOMES[spec["s3Key"]] = {k: v for k, v in spec.items() if k in ("failWith", "hold")}
                return self.json(200, {"ok": True})
            except (ValueError, KeyError, TypeError) as e:
                return self.json(400, {"message": f"bad outcome: {e}"})
        request_id = str(uuid.uuid4())
        try:
            try:
                region = scope_region(self.headers, "ec2")
            except SigningError as e:
                raise ApiError(e.code, e.message, 401 if e.code == "MissingAuthenticationTokenException" else 400)
            params = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            action = params.get("Action", "")
            if action not in OPERATIONS and FORWARD:
                return self.forward(raw)
            if action not in OPERATIONS:
                raise ApiError("InvalidAction", f"The action {action} is not valid for this web service.")
            if params.get("Version") != VERSION:
                raise ApiError("InvalidParameterValue", f"This double speaks EC2 API version {VERSION}, not {params.get('Version')!r}.")
            if params.get("DryRun") == "true":
                raise ApiError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
            with LOCK:
                CALLS[action] = CALLS.get(action, 0) + 1
                name, body = OPERATIONS[action](params, region)
            self.xml(200, f'<{name} xmlns="{NAMESPACE}"><requestId>{request_id}</requestId>{body}</{name}>')
        except ApiError as e:
            self.xml(e.status, f"<Response><Errors><Error><Code>{escape(e.code)}</Code><Message>{escape(e.message)}</Message></Error></Errors>"
                               f"<RequestID>{request_id}</RequestID></Response>")
        except Exception as e:  # a bug in the double surfaces as EC2's own 500 error shape
            self.xml(500, f"<Response><Errors><Error><Code>InternalError</Code><Message>{escape(type(e).__name__ + ': ' + str(e))}</Message>"
                          f"</Error></Errors><RequestID>{request_id}</RequestID></Response>")


def main():
    args = arguments(__doc__.splitlines()[0], ("--forward", "where every other EC2 action goes (moto)"))
    global FORWARD
    FORWARD = args.forward
    serve(Handler, args)


if __name__ == "__main__":
    sys.exit(main())
