"""Reading photos safely (RULEBOOK §5, issue 4 "hostile photos"): every bad photo is a
clear error within a bounded time and memory, never a crash. No network: the local
servers listen on 127.0.0.1 only."""

from __future__ import annotations

import base64
import http.server
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from shelfcheck.photos.loading import LoadSettings, PhotoError, decode, fetch_url, read_bytes

SETTINGS = LoadSettings(timeout_s=0.5, total_timeout_s=1.0)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width``x``height`` with a tiny, highly compressed body."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * min(width, 4096)
    idat = zlib.compress(row * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _jpeg(size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def test_30000_square_png_is_refused_before_decoding() -> None:
    start = time.monotonic()
    with pytest.raises(PhotoError) as err:
        decode(_png_header_only(30000, 30000), SETTINGS)
    assert err.value.kind == "too_many_pixels"
    assert "pixels" in err.value.message
    assert time.monotonic() - start < 2


def test_decompression_bomb_is_refused() -> None:
    bomb = _png_header_only(20000, 12000)  # 240 Mpx declared in a few kB
    assert len(bomb) < 100_000
    with pytest.raises(PhotoError) as err:
        decode(bomb, SETTINGS)
    assert err.value.kind == "too_many_pixels"


def test_truncated_jpeg_is_an_error() -> None:
    data = BytesIO()
    Image.effect_noise((400, 400), 60).convert("RGB").save(data, "JPEG", quality=90)
    with pytest.raises(PhotoError) as err:
        decode(data.getvalue()[: len(data.getvalue()) // 2], SETTINGS)
    assert err.value.kind in ("truncated", "corrupt")
    assert "damaged" in err.value.message


def test_text_file_named_jpg(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_text("this is not a photo", encoding="utf-8")
    with pytest.raises(PhotoError) as err:
        decode(read_bytes(str(path), SETTINGS), SETTINGS)
    assert err.value.kind == "not_image"


def test_missing_file_and_size_cap(tmp_path: Path) -> None:
    with pytest.raises(PhotoError) as err:
        read_bytes(str(tmp_path / "nope.jpg"), SETTINGS)
    assert err.value.kind == "not_found"
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff" * 2048)
    with pytest.raises(PhotoError) as err:
        read_bytes(str(big), LoadSettings(max_bytes=1024))
    assert err.value.kind == "too_large"


def test_data_uri() -> None:
    data = _jpeg()
    uri = "data:image/jpeg;base64," + base64.b64encode(data).decode()
    assert read_bytes(uri, SETTINGS) == data
    with pytest.raises(PhotoError):
        read_bytes("data:text/html;base64,PGgxPg==", SETTINGS)


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (80, 40), (255, 255, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    decoded = decode(out.getvalue(), SETTINGS)
    assert decoded.image.size == (40, 80)
    assert (decoded.width, decoded.height) == (40, 80)


def test_modes_become_rgb_on_white() -> None:
    rgba = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    out = BytesIO()
    rgba.save(out, "PNG")
    decoded = decode(out.getvalue(), SETTINGS)
    assert decoded.image.mode == "RGB" and decoded.has_alpha
    assert decoded.image.getpixel((5, 5)) == (255, 255, 255)
    cmyk = BytesIO()
    Image.new("CMYK", (20, 20), (0, 255, 255, 0)).save(cmyk, "JPEG")
    assert decode(cmyk.getvalue(), SETTINGS).image.mode == "RGB"
    palette = BytesIO()
    Image.new("P", (20, 20), 3).save(palette, "PNG")
    assert decode(palette.getvalue(), SETTINGS).image.mode == "RGB"
    grey16 = BytesIO()
    Image.new("I;16", (20, 20), 4000).save(grey16, "PNG")
    assert decode(grey16.getvalue(), SETTINGS).image.mode == "RGB"


def test_animated_gif_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (30, 30), c) for c in ((255, 0, 0), (0, 0, 255))]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    decoded = decode(out.getvalue(), SETTINGS)
    assert decoded.frames == 2
    r, _, b = decoded.image.getpixel((10, 10))
    assert r > 200 and b < 50


def test_jpeg_draft_mode_decodes_small() -> None:
    decoded = decode(_jpeg((1600, 1200)), SETTINGS, max_side=400)
    assert max(decoded.image.size) <= 400
    assert (decoded.width, decoded.height) == (1600, 1200)


# --- URLs ------------------------------------------------------------------------------


class _Photo(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = _jpeg()
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def photo_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Photo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/p.jpg"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/p.jpg"
    finally:
        sock.close()


def test_url_to_loopback_is_refused(photo_server: str) -> None:
    with pytest.raises(PhotoError) as err:
        fetch_url(photo_server, SETTINGS)
    assert err.value.kind == "refused"
    assert "127.0.0.1" in err.value.message


def test_private_and_link_local_addresses_are_refused() -> None:
    for url in ("http://10.0.0.1/a.jpg", "http://169.254.169.254/latest", "http://[::1]/a.jpg"):
        with pytest.raises(PhotoError) as err:
            fetch_url(url, SETTINGS)
        assert err.value.kind == "refused", url


def test_url_fetch_works_when_allowed(photo_server: str) -> None:
    data = fetch_url(photo_server, LoadSettings(allow_private=True, timeout_s=2))
    assert decode(data, SETTINGS).width == 64


def test_url_that_never_answers_times_out(silent_server: str) -> None:
    start = time.monotonic()
    with pytest.raises(PhotoError) as err:
        fetch_url(silent_server, LoadSettings(allow_private=True, timeout_s=0.3, total_timeout_s=0.5))
    assert err.value.kind == "timeout"
    assert time.monotonic() - start < 3


def test_url_fetching_can_be_switched_off() -> None:
    with pytest.raises(PhotoError) as err:
        read_bytes("https://example.com/a.jpg", LoadSettings(fetch_urls=False))
    assert err.value.kind == "not_fetched"


def test_other_schemes_are_refused() -> None:
    with pytest.raises(PhotoError):
        read_bytes("file:///etc/passwd", SETTINGS)
    with pytest.raises(PhotoError):
        read_bytes("ftp://example.com/a.jpg", SETTINGS)
