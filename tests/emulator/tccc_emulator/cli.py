"""Command line: `python tests/emulator --port 0 [--data FILE] [flags]`. Prints exactly one line on stdout
once listening (scripts parse it); everything else goes to stderr."""

import argparse
import os
import random
import signal
import sys
import threading
import time

from . import api as api_module
from .datafile import build_state, read_data_file
from .errors import DataFileError
from .faults import METADATA, FaultPlan
from .generate import add_generated_extensions
from .ratelimit import SlidingWindowLimiter
from .sample import SAMPLE, SAMPLE_SECRET_ID
from .server import Emulator, EmulatorServer
from .stats import Stats

FAULT_ACTION_NAMES = sorted(api_module.SERVICES) + [METADATA]

DESCRIPTION = """Local emulator of Tencent Cloud Contact Center (service ccc, version 2020-02-10): the six extension
APIs with TC3-HMAC-SHA256 verification, rate limiting and fault injection, plus STS AssumeRole (sts
2018-08-13) and the CVM instance metadata credentials, on one port. See docs/emulator.md."""


def _rate(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError('must be between 0 and 1')
    return value


def _non_negative(kind):
    def parse(text):
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError('must be 0 or more')
        return value
    return parse


def _actions(text):
    names = [name.strip() for name in text.split(',') if name.strip()]
    unknown = [name for name in names if name not in FAULT_ACTION_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError('unknown action %s (known: %s)' % (','.join(unknown) or '(none)', ', '.join(FAULT_ACTION_NAMES)))
    return names


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows a default only where there is one worth reading."""

    def _get_help_string(self, action):
        if action.default in (None, False):
            return action.help
        return super()._get_help_string(action)


def build_parser():
    parser = argparse.ArgumentParser(prog='python tests/emulator', description=DESCRIPTION, formatter_class=_HelpFormatter)
    add = parser.add_argument
    add('--host', default='127.0.0.1', help='address to listen on')
    add('--port', type=int, default=0, help='port to listen on; 0 picks a free port (read it from stdout or --port-file)')
    add('--port-file', metavar='FILE', help='write the port number to FILE once listening')
    add('--data', metavar='FILE',
        help='data file (.yml/.yaml needs PyYAML, else JSON) with accounts, roles and instances; without it an embedded sample is served')
    add('--extensions', type=_non_negative(int), default=0, metavar='N',
        help='add N generated extensions (smallest free ids from 1001 up, deterministic from --seed) to the first instance')
    add('--seed', type=int, default=0, help='seed for generated data and fault injection (same seed, same run)')
    add('--clock-offset', type=float, default=0.0, metavar='SECONDS', help='shift the server clock (clock skew tests)')
    add('--rate-limit', type=_non_negative(int), default=20, metavar='N',
        help='requests per window per action per account before RequestLimitExceeded; 0 turns the limit off')
    add('--rate-window', type=float, default=1.0, metavar='SECONDS',
        help='length of the sliding rate-limit window (the real API uses 1 second; tests may widen it)')
    add('--temp-credential-ttl', type=_non_negative(int), metavar='SECONDS',
        help='lifetime of every temporary credential issued by AssumeRole or the metadata service, overriding '
             'DurationSeconds (default: DurationSeconds, 7200 for metadata); 0 issues already-expired keys')
    add('--latency', type=_non_negative(float), default=0.0, metavar='MS', help='delay every faultable request by MS milliseconds')
    add('--latency-jitter', type=_non_negative(float), default=0.0, metavar='MS', help='add a random 0..MS milliseconds to --latency')
    add('--throttle-rate', type=_rate, default=0.0, metavar='P', help='share of requests answered RequestLimitExceeded (not applied)')
    add('--html-502-rate', type=_rate, default=0.0, metavar='P', help='share answered HTTP 502 with an HTML body (not applied)')
    add('--drop-rate', type=_rate, default=0.0, metavar='P', help='share whose connection is closed without an answer (applied)')
    add('--truncate-rate', type=_rate, default=0.0, metavar='P', help='share whose JSON answer is cut in half (applied)')
    add('--truncate-mode', choices=('body', 'connection'), default='body',
        help='body: Content-Length matches the cut body (the client gets invalid JSON); '
             'connection: Content-Length announces the full body and the connection closes early')
    add('--fault-actions', type=_actions, metavar='A,B',
        help='apply faults only to these actions (%s); default: every API action, not metadata' % ', '.join(FAULT_ACTION_NAMES))
    add('--response-content-type', default='application/json', metavar='VALUE',
        help='Content-Type of API answers, e.g. "application/json; charset=utf-8" to test clients that must not depend on it')
    add('--quiet', action='store_true', help='do not log one line per request to stderr')
    add('--exit-on-stdin-close', action='store_true',
        help='stop when standard input reaches end of file, so that the emulator ends with the process that started it '
             '(give it a pipe it never writes to)')
    return parser


def _stop_at_stdin_eof(stop):
    try:
        while os.read(sys.stdin.fileno(), 4096):
            pass
    except (OSError, ValueError):
        pass  # no usable stdin: treat like end of file
    stop.set()


def _display_host(host):
    return '[%s]' % host if ':' in host else host


def _write_port_file(path, port):
    temporary = '%s.%d.tmp' % (path, os.getpid())
    with open(temporary, 'w') as handle:
        handle.write('%d\n' % port)
    os.replace(temporary, path)  # readers never see a half-written file


def _build(args, log):
    now = time.time() + args.clock_offset
    document = read_data_file(args.data) if args.data else SAMPLE

    def world():
        """The state, rate limiter and fault plan as at start-up: the same seed gives the same passwords, times and faults."""
        rng = random.Random(args.seed)
        state = build_state(document, rng, now)
        if args.extensions:
            if not state.instances:
                raise DataFileError('--extensions needs at least one instance in the data file')
            add_generated_extensions(next(iter(state.instances.values())), args.extensions, rng)
        faults = FaultPlan(args.seed, {'throttle': args.throttle_rate, 'html_502': args.html_502_rate, 'drop': args.drop_rate,
                                       'truncate': args.truncate_rate},
                           latency_ms=args.latency, jitter_ms=args.latency_jitter, actions=args.fault_actions)
        return state, SlidingWindowLimiter(args.rate_limit, args.rate_window), faults

    state, limiter, faults = world()
    api = api_module.Api(state, limiter, clock_offset=args.clock_offset, temp_credential_ttl=args.temp_credential_ttl)
    emulator = Emulator(api, Stats(), faults, response_content_type=args.response_content_type, truncate_mode=args.truncate_mode,
                        quiet=args.quiet, log_stream=log, world=world)
    extensions = sum(len(instance.extensions) for instance in state.instances.values())
    source = args.data or 'embedded sample (SecretId %s)' % SAMPLE_SECRET_ID
    log.write('tccc-emulator: data: %s: %d credentials, %d roles, %d instances, %d extensions\n'
              % (source, len(state.credentials), len(state.roles), len(state.instances), extensions))
    return emulator


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.throttle_rate + args.html_502_rate + args.drop_rate + args.truncate_rate > 1.0:
        parser.error('the fault rates add up to more than 1')
    if args.rate_window <= 0:
        parser.error('--rate-window must be more than 0')
    log = sys.stderr
    try:
        emulator = _build(args, log)
        server = EmulatorServer((args.host, args.port), emulator)
    except DataFileError as exc:
        log.write('tccc-emulator: error: %s\n' % exc)
        return 2
    except OSError as exc:
        log.write('tccc-emulator: error: cannot listen on %s:%d: %s\n' % (args.host, args.port, exc.strerror))
        return 2
    port = server.server_address[1]
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    # A short poll interval makes shutdown prompt: serve_forever only notices the request between polls.
    worker = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05}, name='tccc-emulator', daemon=True)
    worker.start()
    if args.exit_on_stdin_close:
        threading.Thread(target=_stop_at_stdin_eof, args=(stop,), name='stdin-watch', daemon=True).start()
    if args.port_file:
        _write_port_file(args.port_file, port)
    sys.stdout.write('tccc-emulator listening on http://%s:%d\n' % (_display_host(args.host), port))
    sys.stdout.flush()
    stop.wait()
    server.shutdown()
    server.server_close()
    log.write('tccc-emulator: stopped\n')
    return 0
