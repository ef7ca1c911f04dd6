"""One request to the keeper (stockade-pool) over its unix socket, in its framing.

A frame is a 16-byte header, little-endian (sandbox/proto.h): magic "STK1" (0x314b5453),
u16 type, u16 flags, u32 json_len, u32 blob_len; then json_len bytes of JSON and
blob_len bytes of blob. call() sends a request with no blob and returns the reply's JSON.
For well-formed requests only: tests/pool/pool.t builds malformed frames itself.
"""
import json
import struct

MAGIC = 0x314b5453
HEADER = "<IHHII"


def call(sock, typ, req, timeout=None):
    """Sends `req` (JSON) as a frame of type `typ` on a connected socket and returns the
    reply's JSON. `timeout` (seconds) is set on the socket first; None leaves the
    socket's own. Raises ConnectionError when the keeper closes the connection."""
    body = json.dumps(req).encode()
    if timeout is not None:
        sock.settimeout(timeout)
    sock.sendall(struct.pack(HEADER, MAGIC, typ, 0, len(body), 0) + body)
    head = b""
    while len(head) < 16:
        chunk = sock.recv(16 - len(head))
        if not chunk:
            raise ConnectionError("the keeper closed the connection")
        head += chunk
    _, t, _, jl, bl = struct.unpack(HEADER, head)
    data = b""
    while len(data) < jl + bl:
        chunk = sock.recv(jl + bl - len(data))
        if not chunk:
            raise ConnectionError("the keeper closed the connection mid-reply")
        data += chunk
    return json.loads(data[:jl])
