"""HTTP side: routing (API, instance metadata, /_emulator control), fault injection, one log line per request.
The request log names the action, the answer code and the latency only: never a key, token, password or
signature."""

import json
import re
import socket
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import api as api_module
from . import sts

MAX_BODY = 10 * 1024 * 1024  # the API's documented request size limit for POST
HTML_502 = (b'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n'
            b'<hr><center>stgw</center>\r\n</body>\r\n</html>\r\n')
_UNSAFE = re.compile(r'[^A-Za-z0-9_.:/-]')
_PRINTABLE = re.compile(r'[^\x20-\x7e]')


class BodyTooLarge(Exception):
    pass


class Emulator:
    """Everything a request handler needs; shared by all handler threads."""

    def __init__(self, api, stats, faults, response_content_type='application/json', truncate_mode='body', quiet=False,
                 log_stream=None, world=None):
        self.api = api
        # world() gives a fresh (state, limiter, faults) triple, as at start-up: what reset() puts back.
        self._world = world
        self.stats = stats
        self.faults = faults
        self.response_content_type = response_content_type
        self.truncate_mode = truncate_mode
        self.quiet = quiet
        self._log_stream = log_stream or sys.stderr
        self._log_lock = threading.Lock()

    def reset(self):
        """Back to the start-up world (state, rate limit, fault sequence) with zeroed stats; False without world()."""
        if self._world is None:
            return False
        self.api.state, self.api.limiter, self.faults = self._world()
        self.stats.reset()
        return True

    def log(self, line, force=False):
        if self.quiet and not force:
            return
        with self._log_lock:
            self._log_stream.write('tccc-emulator: %s\n' % line)
            self._log_stream.flush()


def _label(action):
    """The action as stats count it: unknown names are pooled so that junk cannot grow the table."""
    if action in api_module.SERVICES or action == '(none)':
        return action
    return '(unknown)'


def _safe(text):
    return _UNSAFE.sub('?', text)[:64]


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'  # keep-alive, as a requests.Session expects
    server_version = 'tccc-emulator'
    timeout = 120  # idle keep-alive connections are closed after this
    # Headers and body leave in two writes; with Nagle's algorithm the second waits for the client's
    # delayed ACK, about 40 ms per answer.
    disable_nagle_algorithm = True

    def version_string(self):
        return self.server_version

    @property
    def emulator(self):
        return self.server.emulator

    def log_request(self, code='-', size='-'):
        """Replaced by the one line per request that _finish() writes."""

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        # Only http.server's own complaints (malformed request lines) get here; our lines go through _log_line.
        self.emulator.log('http: %s' % _PRINTABLE.sub('?', format % args)[:200])

    def _path(self):
        return urlsplit(self.path).path

    def do_POST(self):  # pylint: disable=invalid-name
        path = self._path()
        if path == '/':
            self._api()
        elif path == '/_emulator/reset-stats':
            self._discard_body()
            self.emulator.stats.reset()
            self._control(200, {'reset': True})
        elif path == '/_emulator/reset' and self.emulator.reset():
            self._discard_body()
            self._control(200, {'reset': True})
        else:
            self._not_found()

    def do_GET(self):  # pylint: disable=invalid-name
        path = self._path()
        if path == '/':
            self._api()
        elif path == '/_emulator/stats':
            self._control(200, self.emulator.stats.snapshot())
        elif path == '/_emulator/health':
            self._control(200, {'status': 'ok'})
        elif path.startswith('/latest/meta-data/'):
            self._metadata(path)
        else:
            self._not_found()

    def _other_method(self):
        if self._path() == '/':
            self._api()
        else:
            self._not_found()

    do_PUT = do_DELETE = do_PATCH = _other_method

    def _read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            return self._read_chunked()
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            raise BodyTooLarge()
        return self.rfile.read(length) if length > 0 else b''

    def _read_chunked(self):
        chunks = []
        total = 0
        while True:
            size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
            if size == 0:
                while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                    pass  # trailers
                return b''.join(chunks)
            total += size
            if total > MAX_BODY:
                raise BodyTooLarge()
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _discard_body(self):
        try:
            self._read_body()
        except (BodyTooLarge, ValueError):
            self.close_connection = True

    def _send(self, status, content_type, body, announced_length=None, close=False):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body) if announced_length is None else announced_length))
        if close:
            self.send_header('Connection', 'close')
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def _control(self, status, document):
        started = time.monotonic()
        self._log_line('%s %s' % (self.command, _safe(self._path())), 'OK', status, started)
        self._send(status, 'application/json', json.dumps(document, sort_keys=True).encode('utf-8'))

    def _not_found(self):
        started = time.monotonic()
        self._discard_body()
        self._log_line('%s %s' % (self.command, _safe(self._path())), 'NotFound', 404, started)
        self._send(404, 'text/plain', b'Not Found')

    def _log_line(self, what, code, status, started, request_id=None):
        line = '%s %s http=%s %.1fms' % (what, code, status, (time.monotonic() - started) * 1000.0)
        if request_id:
            line += ' rid=%s' % request_id
        self.emulator.log(line)

    def _metadata(self, path):
        started = time.monotonic()
        emulator = self.emulator
        decision = emulator.faults.decide('metadata')
        if decision.delay:
            time.sleep(decision.delay)
        if self._inject_before(decision, 'Metadata', started):
            return
        status, content_type, body = sts.metadata(emulator.api.state, path, emulator.api.now(), emulator.api.temp_credential_ttl)
        code = 'OK' if status == 200 else 'NotFound'
        self._answer(decision, 'Metadata', code, status, content_type, body, started)

    def _inject_before(self, decision, label, started):
        """Faults that stop the request before it is processed; True when one was injected."""
        if decision.delay:
            self.emulator.stats.fault('latency')
        if decision.kind == 'html_502':
            self.emulator.stats.fault('html_502')
            self.emulator.stats.record(label, 'fault:html-502')
            self._log_line(label, 'fault:html-502', 502, started)
            self._send(502, 'text/html', HTML_502)
            return True
        return False

    def _answer(self, decision, label, code, status, content_type, body, started, request_id=None, log_name=None):
        """Send the answer, or lose or cut it when the decision says so (the request was applied either way).
        Stats and the log line come before sending, so that a client that reads them after its answer finds its
        request there, in order."""
        emulator = self.emulator
        log_name = log_name or label
        if decision.kind == 'drop':
            emulator.stats.fault('drop')
            self.close_connection = True
            emulator.stats.record(label, 'fault:drop')
            self._log_line(log_name, 'fault:drop(%s)' % code, '-', started, request_id)
            return
        if decision.kind == 'truncate':
            emulator.stats.fault('truncate')
            cut = body[:max(1, len(body) // 2)]
            announced = len(body) if emulator.truncate_mode == 'connection' else len(cut)
            emulator.stats.record(label, 'fault:truncate')
            self._log_line(log_name, 'fault:truncate(%s)' % code, status, started, request_id)
            self._send(status, content_type, cut, announced_length=announced, close=True)
            return
        emulator.stats.record(label, code)
        self._log_line(log_name, code, status, started, request_id)
        self._send(status, content_type, body)

    def _api(self):
        started = time.monotonic()
        emulator = self.emulator
        raw_action = self.headers.get('X-TC-Action') or '(none)'
        label = _label(raw_action)
        decision = emulator.faults.decide(raw_action)
        try:
            body = self._read_body()
        except BodyTooLarge:
            document = {'Response': {'Error': {'Code': 'RequestSizeLimitExceeded', 'Message': 'The request body exceeds 10 MB.'},
                                     'RequestId': str(uuid.uuid4())}}
            emulator.stats.record(label, 'RequestSizeLimitExceeded')
            self._log_line(_safe(raw_action), 'RequestSizeLimitExceeded', 200, started)
            self._send(200, emulator.response_content_type, json.dumps(document).encode('utf-8'), close=True)
            return
        except ValueError:  # a Content-Length or chunk size that is not a number: no request to answer
            emulator.stats.record(label, 'HTTP400')
            self._log_line(_safe(raw_action), 'HTTP400', 400, started)
            self._send(400, 'text/plain', b'Bad Request: unreadable body length', close=True)
            return
        if decision.delay:
            time.sleep(decision.delay)
        if self._inject_before(decision, label, started):
            return
        if decision.kind == 'throttle':
            emulator.stats.fault('throttle')
            code, document = 'RequestLimitExceeded', _throttled_document()
        else:
            headers = dict((name.lower(), value) for name, value in self.headers.items())
            try:
                code, document = emulator.api.handle(self.command, headers, body)
            except Exception:  # pylint: disable=broad-exception-caught
                # A bug in the emulator must still answer like the API does, and be visible in the log.
                emulator.log('internal error:\n%s' % traceback.format_exc(), force=True)
                code = 'InternalError'
                document = {'Response': {'Error': {'Code': code, 'Message': 'An internal error occurred in the emulator.'},
                                         'RequestId': str(uuid.uuid4())}}
        payload = json.dumps(document, ensure_ascii=False).encode('utf-8')
        request_id = document['Response'].get('RequestId')
        self._answer(decision, label, code, 200, emulator.response_content_type, payload, started, request_id, _safe(raw_action))


def _throttled_document():
    return {'Response': {'Error': {'Code': 'RequestLimitExceeded',
                                   'Message': 'Your current request times exceeds the frequency limit. Please reduce the frequency of calls.'},
                         'RequestId': str(uuid.uuid4())}}


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a client holding a keep-alive connection must not delay shutdown
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, emulator):
        if ':' in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        super().__init__(address, Handler)
