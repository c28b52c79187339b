#!/usr/bin/env python3
"""A Pilotage client written from Protocols/WIRE.md alone (no Swift involved).

Connects to 127.0.0.1:PORT, completes the handshake (§1), calls the unary method
`pilotage.health.Health/Check` (§3, §9.1) with a wire-encoded request (§6), and prints the
status code, the serving status and the request id echoed in the trailers (§4):

    $ python3 Protocols/examples/health_check.py 7400
    status=OK serving=SERVING request_id=py-1

Exit code 0 when the call ends with OK, 1 otherwise. The RPC tests run it against a live server.
"""
import socket
import struct
import sys

KINDS = {"HEADERS": 1, "MESSAGE": 2, "END": 3, "STATUS": 4, "CANCEL": 5, "PING": 6, "PONG": 7,
         "GOAWAY": 8, "WINDOW_UPDATE": 9, "SETTINGS": 10}
NAMES = {v: k for k, v in KINDS.items()}
CODES = {0: "OK", 1: "CANCELLED", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND",
         6: "ALREADY_EXISTS", 7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED",
         9: "FAILED_PRECONDITION", 10: "ABORTED", 12: "UNIMPLEMENTED", 13: "INTERNAL",
         14: "UNAVAILABLE", 16: "UNAUTHENTICATED"}


# --- §2 frames -------------------------------------------------------------------------------

def frame(kind, call_id, payload=b"", flags=0):
    return struct.pack(">IBBI", len(payload), KINDS[kind], flags, call_id) + payload


def string16(text):
    raw = text.encode("utf-8")
    return struct.pack(">H", len(raw)) + raw


def metadata(pairs):
    out = struct.pack(">H", len(pairs))
    for key, value in pairs:
        out += struct.pack(">B", len(key)) + key.encode("ascii") + string16(value)
    return out


class Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def exactly(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed by the server")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def frame(self):
        length, kind, flags, call_id = struct.unpack(">IBBI", self.exactly(10))
        return NAMES.get(kind, kind), flags, call_id, self.exactly(length)


def parse_string16(data, offset):
    (length,) = struct.unpack_from(">H", data, offset)
    offset += 2
    return data[offset:offset + length].decode("utf-8"), offset + length


def parse_metadata(data, offset):
    (count,) = struct.unpack_from(">H", data, offset)
    offset += 2
    pairs = []
    for _ in range(count):
        key_length = data[offset]
        key = data[offset + 1:offset + 1 + key_length].decode("ascii")
        value, offset = parse_string16(data, offset + 1 + key_length)
        pairs.append((key, value))
    return pairs, offset


# --- §6 values (just what this call needs: structs of strings) --------------------------------

def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data, offset):
    value, shift = 0, 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, offset


def wire_struct_of_strings(fields):
    out = b"\x0a" + varint(len(fields))
    for key, value in fields:
        raw_key, raw_value = key.encode("utf-8"), value.encode("utf-8")
        out += varint(len(raw_key)) + raw_key + b"\x06" + varint(len(raw_value)) + raw_value
    return out


def parse_wire_struct_of_strings(data):
    assert data[0] == 0x0A, "expected a struct"
    count, offset = read_varint(data, 1)
    fields = {}
    for _ in range(count):
        key_length, offset = read_varint(data, offset)
        key = data[offset:offset + key_length].decode("utf-8")
        offset += key_length
        assert data[offset] == 0x06, "expected a string value"
        value_length, offset = read_varint(data, offset + 1)
        fields[key] = data[offset:offset + value_length].decode("utf-8")
        offset += value_length
    return fields


# --- the call ---------------------------------------------------------------------------------

def main():
    port = int(sys.argv[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = Reader(sock)

    # §1: preface + SETTINGS (MAX_FRAME_SIZE, MAX_CONCURRENT_CALLS = 0, INITIAL_WINDOW_SIZE).
    settings = struct.pack(">HIHIHI", 1, 4 * 1024 * 1024, 2, 0, 3, 1024 * 1024)
    sock.sendall(b"PILOTAGE" + struct.pack(">H", 1) + frame("SETTINGS", 0, settings))
    magic, version = reader.exactly(8), struct.unpack(">H", reader.exactly(2))[0]
    assert magic == b"PILOTAGE" and version == 1, (magic, version)
    kind, _, _, payload = reader.frame()
    assert kind == "SETTINGS", kind

    # §3: HEADERS, MESSAGE, END for call 1.
    headers = string16("pilotage.health.Health/Check") + metadata([("pilotage-request-id", "py-1")])
    request = wire_struct_of_strings([("service", "")])
    sock.sendall(frame("HEADERS", 1, headers) + frame("MESSAGE", 1, request) + frame("END", 1))

    response = None
    while True:
        kind, _, call_id, payload = reader.frame()
        if kind == "PING":
            sock.sendall(frame("PONG", 0, payload))
        elif kind == "MESSAGE" and call_id == 1:
            response = parse_wire_struct_of_strings(payload)
        elif kind == "STATUS" and call_id == 1:
            code = CODES.get(payload[0], "INTERNAL")
            message, offset = parse_string16(payload, 1)
            trailers, _ = parse_metadata(payload, offset)
            break
        elif kind == "GOAWAY":
            raise SystemExit("server sent GOAWAY")

    request_id = dict(trailers).get("pilotage-request-id", "")
    serving = (response or {}).get("status", "")
    print(f"status={code} serving={serving} request_id={request_id}" + (f" message={message}" if message else ""))
    sock.close()
    return 0 if code == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
