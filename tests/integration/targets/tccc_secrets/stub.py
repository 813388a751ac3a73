"""A stub TCCC on 127.0.0.1 that answers malformed, secret-laden bodies (secrets_malformed.yml).

usage: stub.py SECRETS_FILE PORT_FILE

Each answer plants random secrets, appended to SECRETS_FILE (one a line) for runme.sh to scan
for. The case is the request's SdkAppId minus 1400000000 (for AssumeRole, the number at the end
of RoleSessionName). The port is written to PORT_FILE once listening. Standard library only.
"""

import http.server
import json
import secrets
import sys

APP = 1400000000
HTML = '<html><head><title>502 Bad Gateway</title></head><body>Password=%s Token: %s</body></html>'


def planted():
    return 'Zq' + secrets.token_hex(10)


def good_listing():
    return json.dumps({'Response': {'Total': 1, 'ExtensionList': [{'ExtensionId': '1001', 'SdkAppId': APP}], 'RequestId': 'r'}})


def answer(case, action, plant):
    """(status, content type, body) of ``case`` for ``action``; ``plant()`` returns a new secret."""
    password, token = plant(), plant()
    fields = {'ExtensionId': '1001', 'Password': password, 'OutboundProxy': 'sip.example:5061', 'Transport': 'tls', 'RequestId': 'r'}
    one = json.dumps({'Response': fields})
    if case == 0:  # an AssumeRole answer cut inside the token
        sts = json.dumps({'Response': {'Credentials': {'TmpSecretId': 'AKIDtmp01', 'TmpSecretKey': plant(), 'Token': token},
                                       'ExpiredTime': 4102444800, 'RequestId': 'r'}})
        return 200, 'application/json', sts[:sts.index(token) + 12]
    if action == 'DescribeExtensions':
        return 200, 'application/json', good_listing()
    return {
        1: (200, 'application/json', one[:one.index(password) + 6]),            # cut inside the password
        2: (200, 'application/json', json.dumps({'Password': password, 'Token': token})),  # no Response
        3: (500, 'application/json', one),                                      # a 500 without Error
        4: (502, 'text/html', HTML % (password, token)),                         # an HTML error page
        5: (200, 'application/octet-stream', '\x00\x01' + password + '\x02' + token),  # binary
        6: (200, 'application/json', json.dumps({'Response': dict(fields, Transport=5061)})),  # a field of the wrong type
    }[case]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_POST(self):  # pylint: disable=invalid-name
        params = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
        action = self.headers.get('X-TC-Action')
        case = int(params['RoleSessionName'].rsplit('-', 1)[1]) if action == 'AssumeRole' else params['SdkAppId'] - APP
        status, content_type, body = answer(case, action, self.server.plant)
        data = body.encode('utf-8', 'surrogateescape')
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    secrets_file, port_file = sys.argv[1:3]

    def plant():
        value = planted()
        with open(secrets_file, 'a') as handle:
            handle.write(value + '\n')
        return value

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.plant = plant
    with open(port_file + '.tmp', 'w') as handle:
        handle.write('%d\n' % server.server_address[1])
    __import__('os').replace(port_file + '.tmp', port_file)
    server.serve_forever()


if __name__ == '__main__':
    main()
