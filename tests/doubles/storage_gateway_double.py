#!/usr/bin/env python3
"""A test double of AWS Storage Gateway (moto has none): the six operations AwsGuard calls, over AWS JSON 1.1.

    python3 storage_gateway_double.py --port 8123 [--host 127.0.0.1] [--seed seed.json]

It follows botocore's storagegateway 2013-06-30 model: X-Amz-Target StorageGateway_20130630.<Op>, Content-Type
application/x-amz-json-1.1, the input shapes' required members and constraints, and the documented errors
(InvalidGatewayRequestException with error.errorCode from the model's ErrorCode enum, InternalServerError).
CHAP secrets follow the service's documented rule (12 to 16 bytes in UTF-8; the model's own min 1 / max 100 is
looser). The SigV4 Authorization header is checked for its shape and its credential scope (storagegateway, a
region); the signature itself is not recomputed, since the double does not know the caller's secret key.

State is in memory, per region (the credential scope's), seeded through an admin API that needs no signature:
    GET  /_double/health            200 when serving
    POST /_double/seed              {"gateways": [...]} (see seed()); answers the ARNs it made
    GET  /_double/requests          {"count": n, "operations": {"UpdateChapCredentials": n, ...}} of API calls
"""
import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler

from double_server import arguments, serve
from sigv4_scope import SigningError, scope_region

TARGET_PREFIX = "StorageGateway_20130630."
CONTENT_TYPE = "application/x-amz-json-1.1"
PAGE = 100  # the documented default page size of ListGateways and ListVolumes

IQN = re.compile(r"^[0-9a-z:.-]+$")  # IqnName
TARGET_NAME = re.compile(r"^[-.;a-z0-9]+$")  # TargetName
VOLUME_ARN = re.compile(r"^arn:(aws(|-cn|-us-gov|-iso[A-Za-z0-9_-]*|-eusc)):storagegateway:[a-z\-0-9]+:[0-9]+:gateway/(.+)/volume/vol-(\S+)$")

LOCK = threading.Lock()
GATEWAYS = {}  # GatewayARN -> gateway dict (with "volumes": {VolumeARN -> volume})
TARGETS = {}   # TargetARN -> volume dict (each volume has one target and its "chap": {initiator -> (secret, secret)})
CALLS = {}     # operation -> count


class ApiError(Exception):
    def __init__(self, status, type_, message, code=None, details=None):
        super().__init__(message)
        self.status, self.type, self.message, self.code, self.details = status, type_, message, code, details

    def body(self):
        body = {"__type": self.type, "message": self.message}
        if self.code:
            body["error"] = {"errorCode": self.code, "errorDetails": self.details or {}}
        return body


def invalid(code, message, **details):
    return ApiError(400, "InvalidGatewayRequestException", message, code, {k: str(v) for k, v in details.items()})


def partition(region):
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


# ---- seeding -------------------------------------------------------------------------------------------------

def seed(spec):
    """{"gateways": [{"region", "account"?, "id"?, "name"?, "type": "STORED"|"CACHED"|"VTL"...,
    "volumes": [{"id"?, "target", "size"?, "chap": [{"initiator", "initiatorSecret", "targetSecret"?}]}]}]}"""
    made = []
    with LOCK:
        for g in spec.get("gateways", []):
            region = g["region"]
            gateway_id = g.get("id") or "sgw-" + uuid.uuid4().hex[:8].upper()
            arn = f"arn:{partition(region)}:storagegateway:{region}:{g.get('account', '123456789012')}:gateway/{gateway_id}"
            gateway = {"GatewayId": gateway_id, "GatewayARN": arn, "GatewayName": g.get("name", gateway_id),
                       "GatewayType": g.get("type", "STORED"), "region": region, "volumes": {}}
            GATEWAYS[arn] = gateway
            volumes = []
            for v in g.get("volumes", []):
                if not TARGET_NAME.fullmatch(v["target"]):
                    raise ValueError(f"target name {v['target']!r} does not match {TARGET_NAME.pattern}")
                volume_id = v.get("id") or "vol-" + uuid.uuid4().hex[:8].upper()
                volume = {"VolumeARN": f"{arn}/volume/{volume_id}", "VolumeId": volume_id, "TargetName": v["target"],
                          "TargetARN": f"{arn}/target/iqn.1997-05.com.amazon:{v['target']}",
                          "VolumeSizeInBytes": v.get("size", 107374182400), "CreatedDate": time.time(), "gateway": gateway,
                          "chap": {c["initiator"]: (c["initiatorSecret"], c.get("targetSecret")) for c in v.get("chap", [])}}
                gateway["volumes"][volume["VolumeARN"]] = volume
                TARGETS[volume["TargetARN"]] = volume
                volumes.append({"VolumeARN": volume["VolumeARN"], "TargetARN": volume["TargetARN"]})
            made.append({"GatewayARN": arn, "Volumes": volumes})
    return {"Gateways": made}


# ---- the operations -------------------------------------------------------------------------------------------

def need(body, name, low=None, high=None):
    value = body.get(name)
    if value is None:
        raise invalid("InvalidParameters", f"{name} is required.", parameter=name)
    if not isinstance(value, str):
        raise invalid("InvalidParameters", f"{name} must be a string.", parameter=name)
    if low is not None and not low <= len(value) <= high:
        raise invalid("InvalidParameters", f"{name} must be {low} to {high} characters long; it has {len(value)}.", parameter=name)
    return value


def limit_of(body):
    limit = body.get("Limit", PAGE)
    if not isinstance(limit, int) or limit < 1:
        raise invalid("InvalidParameters", "Limit must be an integer of at least 1.", parameter="Limit")
    return limit


def page(items, body):
    """Sorted by ARN (as documented); the marker is the position to resume at, opaque to callers."""
    marker = body.get("Marker")
    start = 0
    if marker is not None:
        if not isinstance(marker, str) or not marker.isdigit():
            raise invalid("InvalidParameters", "Marker is not one this service returned.", parameter="Marker")
        start = int(marker)
    end = start + limit_of(body)
    return items[start:end], (str(end) if end < len(items) else None)


def find_target(body, region):
    arn = need(body, "TargetARN", 50, 800)
    target = TARGETS.get(arn)
    if target is None or target["gateway"]["region"] != region:
        gateway_arn = arn.split("/target/")[0]
        if "/target/" in arn and GATEWAYS.get(gateway_arn, {}).get("region") == region:
            raise invalid("TargetNotFound", "The specified target was not found.", TargetARN=arn)
        raise invalid("GatewayNotFound" if "/target/" in arn else "TargetInvalid",
                      "The specified gateway was not found." if "/target/" in arn else "The specified target ARN is not valid.", TargetARN=arn)
    return target


def secret(body, name, required):
    value = body.get(name)
    if value is None and not required:
        return None
    value = need(body, name, 1, 100)  # the model's constraint
    size = len(value.encode("utf-8"))
    if not 12 <= size <= 16:  # the service's documented rule; the message never holds the secret
        raise invalid("InvalidParameters", f"{name} must be between 12 and 16 bytes when encoded in UTF-8; it is {size} bytes.", parameter=name)
    return value


def update_chap_credentials(body, region):
    target = find_target(body, region)
    initiator = need(body, "InitiatorName", 1, 255)
    if not IQN.fullmatch(initiator):
        raise invalid("InitiatorInvalid", "InitiatorName must match [0-9a-z:.-]+.", InitiatorName=initiator)
    for_initiator = secret(body, "SecretToAuthenticateInitiator", True)
    for_target = secret(body, "SecretToAuthenticateTarget", False)
    if for_target is not None and for_target == for_initiator:
        raise invalid("InvalidParameters", "SecretToAuthenticateTarget must differ from SecretToAuthenticateInitiator.",
                      parameter="SecretToAuthenticateTarget")
    target["chap"][initiator] = (for_initiator, for_target)
    return {"TargetARN": target["TargetARN"], "InitiatorName": initiator}


def describe_chap_credentials(body, region):
    target = find_target(body, region)
    credentials = []
    for initiator, (for_initiator, for_target) in sorted(target["chap"].items()):
        info = {"TargetARN": target["TargetARN"], "SecretToAuthenticateInitiator": for_initiator, "InitiatorName": initiator}
        if for_target is not None:
            info["SecretToAuthenticateTarget"] = for_target
        credentials.append(info)
    return {"ChapCredentials": credentials}


def list_gateways(body, region):
    gateways = sorted((g for g in GATEWAYS.values() if g["region"] == region), key=lambda g: g["GatewayARN"])
    chunk, marker = page(gateways, body)
    answer = {"Gateways": [{"GatewayId": g["GatewayId"], "GatewayARN": g["GatewayARN"], "GatewayType": g["GatewayType"],
                            "GatewayOperationalState": "ACTIVE", "GatewayName": g["GatewayName"], "HostEnvironment": "VMWARE"}
                           for g in chunk]}
    if marker:
        answer["Marker"] = marker
    return answer


def find_gateway(arn, region):
    gateway = GATEWAYS.get(arn)
    if gateway is None or gateway["region"] != region:
        raise invalid("GatewayNotFound", "The specified gateway was not found.", GatewayARN=arn)
    return gateway


def volume_type(volume):
    return volume["gateway"]["GatewayType"]  # STORED or CACHED, as ListVolumes reports it


def list_volumes(body, region):
    if "GatewayARN" in body:
        gateways = [find_gateway(need(body, "GatewayARN", 50, 500), region)]
    else:
        gateways = [g for g in GATEWAYS.values() if g["region"] == region]
    volumes = sorted((v for g in gateways for v in g["volumes"].values()), key=lambda v: v["VolumeARN"])
    chunk, marker = page(volumes, body)
    answer = {"VolumeInfos": [{"VolumeARN": v["VolumeARN"], "VolumeId": v["VolumeId"], "GatewayARN": v["gateway"]["GatewayARN"],
                               "GatewayId": v["gateway"]["GatewayId"], "VolumeType": volume_type(v),
                               "VolumeSizeInBytes": v["VolumeSizeInBytes"], "VolumeAttachmentStatus": "ATTACHED"} for v in chunk]}
    if "GatewayARN" in body:
        answer["GatewayARN"] = body["GatewayARN"]
    if marker:
        answer["Marker"] = marker
    return answer


def describe_volumes(kind, body, region):
    arns = body.get("VolumeARNs")
    if not isinstance(arns, list):
        raise invalid("InvalidParameters", "VolumeARNs is required.", parameter="VolumeARNs")
    volumes = []
    for arn in arns:
        if not isinstance(arn, str) or not 50 <= len(arn) <= 500 or not VOLUME_ARN.fullmatch(arn):
            raise invalid("InvalidParameters", "VolumeARNs holds a value that is not a volume ARN.", VolumeARN=arn)
        gateway = GATEWAYS.get(arn.split("/volume/")[0])
        volume = gateway["volumes"].get(arn) if gateway and gateway["region"] == region else None
        if volume is None:
            raise invalid("VolumeNotFound", "The specified volume was not found.", VolumeARN=arn)
        if volume_type(volume) != kind:
            raise invalid("NotSupported", f"This operation is only supported for {kind.lower()} volumes.", VolumeARN=arn)
        volumes.append(volume)
    if len({v["gateway"]["GatewayARN"] for v in volumes}) > 1:  # documented: "must be from one gateway"
        raise invalid("InvalidParameters", "The volumes in the request must be from one gateway.", parameter="VolumeARNs")
    described = []
    for v in sorted(volumes, key=lambda v: v["VolumeARN"]):
        d = {"VolumeARN": v["VolumeARN"], "VolumeId": v["VolumeId"], "VolumeType": f"{kind} iSCSI", "VolumeStatus": "AVAILABLE",
             "VolumeAttachmentStatus": "ATTACHED", "VolumeSizeInBytes": v["VolumeSizeInBytes"], "CreatedDate": v["CreatedDate"],
             "TargetName": v["TargetName"], "VolumeUsedInBytes": 0,
             "VolumeiSCSIAttributes": {"TargetARN": v["TargetARN"], "NetworkInterfaceId": "10.0.0.10", "NetworkInterfacePort": 3260,
                                       "LunNumber": 0, "ChapEnabled": bool(v["chap"])}}
        if kind == "STORED":
            d.update(VolumeDiskId="pci-0000:03:00.0-scsi-0:0:0:0", PreservedExistingData=False)
        described.append(d)
    return {f"{kind.capitalize()}iSCSIVolumes": described}


OPERATIONS = {
    "UpdateChapCredentials": update_chap_credentials,
    "DescribeChapCredentials": describe_chap_credentials,
    "ListGateways": list_gateways,
    "ListVolumes": list_volumes,
    "DescribeStorediSCSIVolumes": lambda body, region: describe_volumes("STORED", body, region),
    "DescribeCachediSCSIVolumes": lambda body, region: describe_volumes("CACHED", body, region),
}


# ---- HTTP -----------------------------------------------------------------------------------------------------

def check_signature(headers):
    """The Authorization header's shape and credential scope, as the service front end checks them; answers the region."""
    try:
        return scope_region(headers, "storagegateway")
    except SigningError as e:
        raise ApiError(400, e.code, e.message)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: tests read their own output
        pass

    def answer(self, status, body, content_type=CONTENT_TYPE):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        if self.path == "/_double/health":
            return self.answer(200, {"ok": True}, "application/json")
        if self.path == "/_double/requests":
            with LOCK:
                return self.answer(200, {"count": sum(CALLS.values()), "operations": dict(CALLS)}, "application/json")
        self.answer(404, {"message": "not found"}, "application/json")

    def do_POST(self):
        raw = self.read_body()
        if self.path == "/_double/seed":
            try:
                return self.answer(200, seed(json.loads(raw)), "application/json")
            except (ValueError, KeyError, TypeError) as e:
                return self.answer(400, {"message": f"bad seed: {e}"}, "application/json")
        try:
            region = check_signature(self.headers)
            target = self.headers.get("X-Amz-Target", "")
            operation = OPERATIONS.get(target[len(TARGET_PREFIX):]) if target.startswith(TARGET_PREFIX) else None
            if operation is None:
                raise ApiError(400, "UnknownOperationException", f"Unknown operation {target!r}.")
            if self.headers.get("Content-Type", "").split(";")[0].strip() != CONTENT_TYPE:
                raise ApiError(400, "SerializationException", f"Content-Type must be {CONTENT_TYPE}.")
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                raise ApiError(400, "SerializationException", "The body is not JSON.")
            if not isinstance(body, dict):
                raise ApiError(400, "SerializationException", "The body is not a JSON object.")
            with LOCK:
                name = target[len(TARGET_PREFIX):]
                CALLS[name] = CALLS.get(name, 0) + 1
                result = operation(body, region)
            self.answer(200, result)
        except ApiError as e:
            self.answer(e.status, e.body())
        except Exception as e:  # a bug in the double surfaces as the service's own 500 error shape
            self.answer(500, ApiError(500, "InternalServerError", f"{type(e).__name__}: {e}", "InternalError").body())


def main():
    args = arguments(__doc__.splitlines()[0], ("--seed", "a JSON file in the /_double/seed format"))
    if args.seed:
        with open(args.seed, encoding="utf-8") as f:
            seed(json.load(f))
    serve(Handler, args)


if __name__ == "__main__":
    sys.exit(main())
