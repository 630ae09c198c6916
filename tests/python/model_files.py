# SPDX-License-Identifier: Apache-2.0
# Older DriverClassifier files made from a current one, for the tests that load them (the layout is
# src/classify/format.cpp's). Nothing here imports perche.
import struct
import zlib


def payload_v5(data: bytes, tol: float, max_iter: int, nb_scale: bool = True) -> bytes:
    """The payload of a version-6 model file as version 5 wrote it: without the nb_scale byte that
    follows the options' polarity_C. Found after the logistic options' tol (f64) and max_iter
    (u32): solver u8, cv_folds u32, threshold f64, threads u32, seed u64, threshold policy u8,
    sentiment u8, polarity_C f64. `nb_scale`: the model's option, which the byte must hold."""
    assert data[:8] == b"PERCHEDC" and struct.unpack_from("<I", data, 8)[0] == 6
    payload = data[20:-4]
    anchor = struct.pack("<dI", tol, max_iter)
    at = payload.index(anchor) + len(anchor) + 1 + 4 + 8 + 4 + 8 + 1 + 1 + 8
    assert payload[at] == int(nb_scale)
    return payload[:at] + payload[at + 1:]


def sealed(payload: bytes, version: int) -> bytes:
    """A model file of that version around the payload (magic, version, size, CRC-32)."""
    return b"PERCHEDC" + struct.pack("<IQ", version, len(payload)) + payload + struct.pack("<I", zlib.crc32(payload))
