"""Local servers for the delivery tests.

SmtpServer is a real SMTP server (aiosmtpd) with optional AUTH and
STARTTLS. FakeHttp stands in for the third-party HTTP APIs (Twilio,
Mastodon, webhooks): it records every request and misbehaves on command -
429 with Retry-After, 500/503, a hang past the client's timeout, a reset
mid-response, 400 for chosen numbers - so tests can assert both what the
journal says and what the provider received.
"""
import base64
import json
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword, SMTP


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class _Collect:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append({
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "data": envelope.original_content or envelope.content,
                "auth": session.authenticated,
            })
        return "250 OK queued"


class SmtpServer:
    """aiosmtpd on a free port. user/password enable AUTH (required);
    tls_dir enables STARTTLS with a throw-away certificate made there."""

    def __init__(self, user=None, password=None, tls_dir=None):
        self.handler = _Collect()
        self.port = free_port()
        kwargs = {}
        if user:
            def auth(server, session, envelope, mechanism, auth_data):
                ok = (isinstance(auth_data, LoginPassword)
                      and auth_data.login.decode() == user
                      and auth_data.password.decode() == password)
                return AuthResult(success=ok)
            kwargs.update(authenticator=auth, auth_required=True,
                          auth_require_tls=bool(tls_dir))
        if tls_dir:
            cert, key = tls_dir + "/cert.pem", tls_dir + "/key.pem"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                            "-nodes", "-keyout", key, "-out", cert, "-days",
                            "1", "-subj", "/CN=127.0.0.1"], check=True,
                           capture_output=True)
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(cert, key)
            kwargs.update(tls_context=ctx, require_starttls=True)
        self.controller = Controller(self.handler, hostname="127.0.0.1",
                                     port=self.port, **kwargs)

    @property
    def messages(self):
        return self.handler.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *a):
        self.controller.stop()


class FakeHttp:
    """A local HTTP server. 'behave' is a list of actions consumed one per
    request to a matching path ('ok', 'retry429', '500', '503', 'hang',
    'reset', 'slow'); when it is empty, requests succeed. 'reject' is a
    set of 'To' numbers answered 400."""

    def __init__(self, kind="twilio"):
        self.kind = kind
        self.requests = []
        self.behave = []
        self.reject = set()
        self.keys = {}          # idempotency key -> response (Mastodon)
        self.sent = []          # Twilio messages accepted: dicts
        self.lock = threading.Lock()
        self.port = free_port()
        fake = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _reply(self, code, obj, headers=()):
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_HEAD(self):
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                q = urllib.parse.parse_qs(u.query)
                with fake.lock:
                    fake.requests.append(("GET", self.path, dict(self.headers), b""))
                    to = q.get("To", [None])[0]
                    msgs = [m for m in fake.sent if to is None or m["to"] == to]
                self._reply(200, {"messages": [
                    {"sid": m["sid"], "to": m["to"], "body": m["body"]} for m in msgs]})

            def _body(self):
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n else b""

            def do_PUT(self):
                self.do_POST()

            def do_POST(self):
                body = self._body()
                with fake.lock:
                    fake.requests.append((self.command, self.path, dict(self.headers), body))
                    action = fake.behave.pop(0) if fake.behave else "ok"
                if action == "hang":
                    time.sleep(30)
                    return
                if action == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    return
                if action == "retry429":
                    return self._reply(429, {"message": "Too Many Requests"},
                                       [("Retry-After", "120")])
                if action in ("500", "503"):
                    return self._reply(int(action), {"message": "server error"})
                if action == "slow":
                    time.sleep(0.5)
                fake.handle(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), H)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, h, body):
        if self.kind == "twilio":
            form = urllib.parse.parse_qs(body.decode())
            to = form.get("To", [""])[0]
            auth = h.headers.get("Authorization", "")
            if not auth.startswith("Basic "):
                return h._reply(401, {"message": "auth required"})
            if to in self.reject:
                return h._reply(400, {"code": 21211,
                                      "message": "The 'To' number %s is not a valid phone number." % to})
            with self.lock:
                sid = "SM%032d" % (len(self.sent) + 1)
                self.sent.append({"sid": sid, "to": to, "body": form.get("Body", [""])[0],
                                  "key": h.headers.get("I-Twilio-Idempotency-Token")})
            return h._reply(201, {"sid": sid, "status": "queued"})
        if self.kind == "mastodon":
            key = h.headers.get("Idempotency-Key")
            with self.lock:
                if key in self.keys:
                    return h._reply(200, self.keys[key])
                status = {"id": str(len(self.keys) + 1),
                          "content": urllib.parse.parse_qs(body.decode()).get("status", [""])[0]}
                self.keys[key] = status
            return h._reply(200, status)
        # webhooks and the banner
        return h._reply(200, {"ok": True})

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def posts(self, path_part=""):
        return [r for r in self.requests if r[0] in ("POST", "PUT") and path_part in r[1]]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *a):
        self.server.shutdown()
        self.server.server_close()
