"""The SigV4 checks an AWS front end makes before any operation, shared by the doubles: the Authorization header's
shape and its credential scope (service, region, date). The signature itself is not recomputed, since a double does
not know the caller's secret key."""
import re

AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[A-Z0-9]{16,128})/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request, "
    r"SignedHeaders=(?P<headers>[a-z0-9-]+(;[a-z0-9-]+)*), Signature=[0-9a-f]{64}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


class SigningError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def scope_region(headers, service):
    """Checks the request's signature header for `service`; answers the credential scope's region."""
    auth = headers.get("Authorization")
    if not auth:
        raise SigningError("MissingAuthenticationTokenException", "Missing Authentication Token")
    m = AUTH.match(auth)
    if not m:
        raise SigningError("IncompleteSignatureException",
                           "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' in AWS4-HMAC-SHA256 form.")
    if m["service"] != service:
        raise SigningError("InvalidSignatureException", f"Credential should be scoped to correct service: '{service}'.")
    if not REGION.fullmatch(m["region"]):
        raise SigningError("InvalidSignatureException", "Credential should be scoped to a valid region.")
    signed = m["headers"].split(";")
    amz_date = headers.get("X-Amz-Date", "")
    if "host" not in signed or "x-amz-date" not in signed or not amz_date.startswith(m["date"]):
        raise SigningError("IncompleteSignatureException",
                           "The request must sign host and x-amz-date, and X-Amz-Date must match the credential scope's date.")
    return m["region"]
