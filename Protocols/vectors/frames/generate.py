#!/usr/bin/env python3
"""Writes the golden frame vectors of WIRE.md sections 1-3 and 8.

An independent implementation of the framing written from WIRE.md alone (no Swift involved):
the Swift tests decode every `hex` and compare with `frame`, and encode every `frame` and
compare with `hex`. Run from anywhere: `python3 Protocols/vectors/frames/generate.py`.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

KINDS = {"HEADERS": 1, "MESSAGE": 2, "END": 3, "STATUS": 4, "CANCEL": 5, "PING": 6, "PONG": 7,
         "GOAWAY": 8, "WINDOW_UPDATE": 9, "SETTINGS": 10}
CODES = {"OK": 0, "CANCELLED": 1, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4, "NOT_FOUND": 5,
         "ALREADY_EXISTS": 6, "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8,
         "FAILED_PRECONDITION": 9, "ABORTED": 10, "UNIMPLEMENTED": 12, "INTERNAL": 13,
         "UNAVAILABLE": 14, "UNAUTHENTICATED": 16}


def string16(text):
    raw = text.encode("utf-8")
    return struct.pack(">H", len(raw)) + raw


def metadata(pairs):
    out = struct.pack(">H", len(pairs))
    for key, value in pairs:
        raw_key = key.encode("ascii")
        out += struct.pack(">B", len(raw_key)) + raw_key + string16(value)
    return out


def frame(kind, call_id, payload, flags=0):
    return struct.pack(">IBBI", len(payload), KINDS[kind], flags, call_id) + payload


def encode(f):
    kind = f["kind"]
    if kind == "HEADERS":
        flags = 0
        payload = string16(f["method"])
        if "timeoutMicroseconds" in f:
            flags |= 1
            payload += struct.pack(">Q", f["timeoutMicroseconds"])
        payload += metadata(f["metadata"])
        return frame(kind, f["callID"], payload, flags)
    if kind == "MESSAGE":
        return frame(kind, f["callID"], bytes.fromhex(f["payloadHex"]))
    if kind in ("END", "CANCEL"):
        return frame(kind, f["callID"], b"")
    if kind == "STATUS":
        payload = struct.pack(">B", CODES[f["code"]]) + string16(f["message"]) + metadata(f["trailers"])
        return frame(kind, f["callID"], payload)
    if kind in ("PING", "PONG"):
        return frame(kind, 0, bytes.fromhex(f["dataHex"]))
    if kind == "GOAWAY":
        payload = struct.pack(">IB", f["lastCallID"], CODES[f["code"]]) + string16(f["message"])
        return frame(kind, 0, payload)
    if kind == "WINDOW_UPDATE":
        return frame(kind, f["callID"], struct.pack(">I", f["increment"]))
    if kind == "SETTINGS":
        payload = b"".join(struct.pack(">HI", i, v) for i, v in f["settings"])
        return frame(kind, 0, payload)
    raise ValueError(kind)


VALID = [
    ("preface-v1", "Connection preface: ASCII PILOTAGE then u16 version 1.",
     None, {"version": 1}),
    ("headers-unary-no-timeout", "HEADERS opening call 1 on the health check, no deadline, no metadata.",
     {"kind": "HEADERS", "callID": 1, "method": "pilotage.health.Health/Check", "metadata": []}, None),
    ("headers-with-timeout-and-metadata",
     "HEADERS for call 3 with a 5 s timeout (flag 0x01) and the four well-known metadata keys.",
     {"kind": "HEADERS", "callID": 3, "method": "pilotage.receivables.Receivables/GetDSO",
      "timeoutMicroseconds": 5000000,
      "metadata": [["pilotage-tenant", "cabinet-dupont"], ["authorization", "Bearer k_test"],
                   ["pilotage-user", "marie.curie"], ["pilotage-request-id", "req-42"]]}, None),
    ("headers-utf8-metadata-value", "Metadata values are UTF-8 text.",
     {"kind": "HEADERS", "callID": 5, "method": "demo.Echo/Say",
      "metadata": [["pilotage-user", "hélène.à-côté"]]}, None),
    ("message-small", "MESSAGE with 5 opaque bytes for call 1.",
     {"kind": "MESSAGE", "callID": 1, "payloadHex": "0102030405"}, None),
    ("message-empty", "MESSAGE with an empty payload (an empty message is legal).",
     {"kind": "MESSAGE", "callID": 7, "payloadHex": ""}, None),
    ("end", "END: the client half-closes call 1.",
     {"kind": "END", "callID": 1}, None),
    ("status-ok", "STATUS OK for call 1 with an empty message and the request id echoed in trailers.",
     {"kind": "STATUS", "callID": 1, "code": "OK", "message": "",
      "trailers": [["pilotage-request-id", "req-42"]]}, None),
    ("status-not-found", "STATUS NOT_FOUND (5) with a message and no trailers.",
     {"kind": "STATUS", "callID": 9, "code": "NOT_FOUND", "message": "tenant 'x' does not exist",
      "trailers": []}, None),
    ("status-unauthenticated", "STATUS UNAUTHENTICATED (16).",
     {"kind": "STATUS", "callID": 11, "code": "UNAUTHENTICATED", "message": "missing credential",
      "trailers": []}, None),
    ("status-unknown-number", "STATUS with number 2 (gRPC UNKNOWN, not in the closed set): receivers read it as INTERNAL.",
     {"kind": "STATUS", "callID": 13, "code": "INTERNAL", "message": "x", "trailers": []}, None),
    ("cancel", "CANCEL: the client abandons call 3.",
     {"kind": "CANCEL", "callID": 3}, None),
    ("ping", "PING with 8 opaque bytes (call id 0).",
     {"kind": "PING", "dataHex": "0011223344556677"}, None),
    ("pong", "PONG echoing the PING's bytes.",
     {"kind": "PONG", "dataHex": "0011223344556677"}, None),
    ("goaway-graceful", "GOAWAY OK: graceful shutdown, calls up to 41 will still be answered.",
     {"kind": "GOAWAY", "lastCallID": 41, "code": "OK", "message": "server shutting down"}, None),
    ("goaway-version", "GOAWAY UNIMPLEMENTED sent after the server preface when the client's version is unsupported.",
     {"kind": "GOAWAY", "lastCallID": 0, "code": "UNIMPLEMENTED",
      "message": "protocol version 2 is not supported; this peer speaks version 1"}, None),
    ("window-update", "WINDOW_UPDATE granting 65536 more bytes to call 1.",
     {"kind": "WINDOW_UPDATE", "callID": 1, "increment": 65536}, None),
    ("settings-defaults", "SETTINGS with the three defined settings at their defaults.",
     {"kind": "SETTINGS", "settings": [[1, 4194304], [2, 100], [3, 1048576]]}, None),
    ("settings-unknown-id", "SETTINGS with an unknown id 99, which receivers ignore.",
     {"kind": "SETTINGS", "settings": [[2, 8], [99, 7]]}, None),
]

# Vectors that only decode: a SETTINGS frame omitting settings re-encodes with all of them.
DECODE_ONLY = {"settings-unknown-id", "status-unknown-number"}
# Raw bytes that differ from what encode() produces for the described frame.
RAW_OVERRIDES = {
    "status-unknown-number": struct.pack(">IBBI", 6, 4, 0, 13) + b"\x02" + string16("x") + b"\x00\x00",
}

# Invalid inputs: raw bytes, the decoder's maximum frame size, the expected error and the
# GOAWAY code the receiver sends before closing.
INVALID = [
    ("bad-preface", "The first bytes are not PILOTAGE (an HTTP request).",
     b"GET / HTTP/1.1\r\n".hex(), "preface", "badPreface", "INTERNAL"),
    ("unsupported-version", "Preface with version 2.",
     (b"PILOTAGE" + struct.pack(">H", 2)).hex(), "preface", "unsupportedVersion", "UNIMPLEMENTED"),
    ("oversize-header", "A MESSAGE header announcing 16 MiB + 1 bytes against a 4 MiB limit: rejected from the header alone.",
     struct.pack(">IBBI", 16 * 1024 * 1024 + 1, 2, 0, 1).hex(), "frame", "frameTooLarge", "RESOURCE_EXHAUSTED"),
    ("unknown-kind", "Frame kind 0x2A is not defined.",
     struct.pack(">IBBI", 0, 0x2A, 0, 1).hex(), "frame", "unknownFrameKind", "INTERNAL"),
    ("ping-with-call-id", "PING must carry call id 0.",
     (struct.pack(">IBBI", 8, 6, 0, 5) + bytes(8)).hex(), "frame", "protocolViolation", "INTERNAL"),
    ("message-call-zero", "MESSAGE must carry a non-zero call id.",
     struct.pack(">IBBI", 0, 2, 0, 0).hex(), "frame", "protocolViolation", "INTERNAL"),
    ("undefined-flag", "END with flag bit 0x80 set.",
     struct.pack(">IBBI", 0, 3, 0x80, 1).hex(), "frame", "protocolViolation", "INTERNAL"),
    ("headers-truncated", "HEADERS whose method length (0x00ff) runs past the payload.",
     (struct.pack(">IBBI", 4, 1, 0, 1) + b"\x00\xffab").hex(), "frame", "malformedFrame", "INTERNAL"),
    ("headers-trailing-bytes", "HEADERS with a byte after the metadata block.",
     (struct.pack(">IBBI", 6, 1, 0, 1) + b"\x00\x01a\x00\x00\x00").hex(), "frame", "malformedFrame", "INTERNAL"),
    ("headers-bad-key", "HEADERS with an upper-case metadata key.",
     (struct.pack(">IBBI", 10, 1, 0, 1) + b"\x00\x01a\x00\x01\x01K\x00\x01v").hex(), "frame", "malformedFrame", "INTERNAL"),
    ("status-bad-utf8", "STATUS whose message is not UTF-8.",
     (struct.pack(">IBBI", 7, 4, 0, 1) + b"\x05\x00\x02\xff\xfe\x00\x00").hex(), "frame", "malformedFrame", "INTERNAL"),
    ("window-update-zero", "WINDOW_UPDATE with a zero increment.",
     (struct.pack(">IBBI", 4, 9, 0, 1) + bytes(4)).hex(), "frame", "protocolViolation", "INTERNAL"),
    ("settings-bad-length", "SETTINGS payload of 5 bytes (not a multiple of 6).",
     (struct.pack(">IBBI", 5, 10, 0, 0) + bytes(5)).hex(), "frame", "malformedFrame", "INTERNAL"),
    ("settings-small-frame-size", "SETTINGS MAX_FRAME_SIZE of 100 (below 16384).",
     (struct.pack(">IBBI", 6, 10, 0, 0) + struct.pack(">HI", 1, 100)).hex(), "frame", "malformedFrame", "INTERNAL"),
]


def main():
    for name in os.listdir(HERE):
        if name.endswith(".json"):
            os.remove(os.path.join(HERE, name))
    for name, description, f, preface in VALID:
        if preface is not None:
            raw = b"PILOTAGE" + struct.pack(">H", preface["version"])
            vector = {"name": name, "description": description, "hex": raw.hex(), "preface": preface}
        else:
            raw = RAW_OVERRIDES.get(name, encode(f))
            vector = {"name": name, "description": description, "hex": raw.hex(), "frame": f}
            if name in DECODE_ONLY:
                vector["roundTrip"] = False
        with open(os.path.join(HERE, name + ".json"), "w") as out:
            json.dump(vector, out, indent=2, ensure_ascii=False)
            out.write("\n")
    for name, description, hexbytes, stage, error, goaway in INVALID:
        vector = {"name": "invalid-" + name, "description": description, "hex": hexbytes, "decode": stage,
                  "maxFrameSize": 4194304, "error": error, "goAwayCode": goaway}
        with open(os.path.join(HERE, "invalid-" + name + ".json"), "w") as out:
            json.dump(vector, out, indent=2, ensure_ascii=False)
            out.write("\n")


if __name__ == "__main__":
    main()
