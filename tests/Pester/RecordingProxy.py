"""A recording HTTP proxy on loopback in front of one upstream (moto, the Storage Gateway double).

Usage: python3 RecordingProxy.py <upstream-url>. Prints its own URL on the first line of stdout once it listens.
Every request is forwarded and recorded; GET /_recording answers the records as JSON (method, path, X-Amz-Target).
"""
import http.client
import http.server
import json
import sys
import threading
import urllib.parse

upstream = urllib.parse.urlsplit(sys.argv[1])
records = []
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                chunk = self.rfile.read(size + 2)[:size]
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b""):
                        pass
                    return data
                data += chunk
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def answer(self, status, headers, data):
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def forward(self):
        if self.path == "/_recording":
            with lock:
                data = json.dumps(records).encode()
            return self.answer(200, [("Content-Type", "application/json")], data)
        data = self.body()
        with lock:
            records.append({"method": self.command, "path": self.path, "target": self.headers.get("X-Amz-Target")})
        headers = {name: value for name, value in self.headers.items() if name.lower() not in ("transfer-encoding", "connection")}
        headers["Content-Length"] = str(len(data))
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port)
        try:
            connection.request(self.command, self.path, body=data, headers=headers)
            response = connection.getresponse()
            self.answer(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
server.serve_forever()
