"""Reading a photo safely: local paths, ``http(s)://`` URLs and ``data:`` URIs (RULEBOOK §5).

Everything a merchant uploads is hostile until decoded. This module turns a
photo reference into bytes and the bytes into an RGB :class:`PIL.Image.Image`,
or raises :class:`PhotoError` with a message a merchant can act on:

* **URLs**: only ``http``/``https``; the host is resolved once and every
  address must be public (no loopback, private, link-local, multicast or
  reserved address: no server-side request forgery), the connection goes to
  that checked address; a bounded number of redirects, each checked again; a
  connect/read timeout and a total deadline; a size cap while reading; an
  ``image/*`` content type. Fetching can be switched off.
* **Files and data: URIs**: a size cap before reading.
* **Decoding**: the pixel count is checked from the header before any pixel
  is decoded (decompression bombs, 30000×30000 canvases); JPEGs are decoded
  in draft mode at the size the analyses need; EXIF orientation is applied;
  CMYK, palette, 16-bit and transparent images become RGB on white; an
  animated GIF/WebP gives its first frame; a truncated file is an error.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError


class PhotoError(Exception):
    """A photo that cannot be used; ``kind`` is a short code, the text says why."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True, slots=True)
class LoadSettings:
    """Limits for reading photos (from the policy's ``photo.loading``)."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    fetch_urls: bool = True
    timeout_s: float = 5.0
    total_timeout_s: float = 15.0
    max_redirects: int = 3
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded photo: RGB pixels at a working size, and what the file said."""

    image: Image.Image
    width: int
    height: int
    format: str
    mode: str
    frames: int
    has_alpha: bool


# --- bytes ----------------------------------------------------------------------------


def read_bytes(ref: str, settings: LoadSettings) -> bytes:
    """The bytes of a photo reference (path, URL or ``data:`` URI)."""
    if ref.startswith("data:"):
        return _data_uri(ref, settings)
    if ref.startswith(("http://", "https://")):
        if not settings.fetch_urls:
            raise PhotoError("not_fetched", "photo URLs are not fetched in this setup")
        return fetch_url(ref, settings)
    if "://" in ref[:12]:
        scheme = ref.split("://", 1)[0]
        raise PhotoError("bad_ref", f"unsupported photo address scheme {scheme!r}")
    return _read_file(Path(ref), settings)


def _read_file(path: Path, settings: LoadSettings) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise PhotoError("not_found", f"photo is not a file: {path.name}")
        if size > settings.max_bytes:
            raise PhotoError("too_large", f"photo file is {size} bytes, over {settings.max_bytes}")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise PhotoError("not_found", f"photo file not found: {path.name}") from exc
    except OSError as exc:
        raise PhotoError("unreadable", f"photo file cannot be read: {exc.strerror}") from exc


def _data_uri(ref: str, settings: LoadSettings) -> bytes:
    head, sep, payload = ref.partition(",")
    if not sep:
        raise PhotoError("bad_ref", "data: URI without a comma")
    if len(payload) > settings.max_bytes * 4 // 3 + 4:
        raise PhotoError("too_large", f"data: URI is over {settings.max_bytes} bytes")
    if not head[5:].split(";")[0].startswith("image/") and head[5:].split(";")[0]:
        raise PhotoError("not_image", f"data: URI is {head[5:].split(';')[0]!r}, not an image")
    try:
        if head.endswith(";base64"):
            return base64.b64decode(payload, validate=False)
        return urllib.parse.unquote_to_bytes(payload)
    except (binascii.Error, ValueError) as exc:
        raise PhotoError("bad_ref", f"data: URI is not valid base64: {exc}") from exc


def check_address(host: str, port: int, settings: LoadSettings) -> str:
    """Resolve ``host`` and return an address that is safe to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise PhotoError("unreachable", f"photo host {host!r} cannot be resolved") from exc
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        public = not (
            ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified
        )
        if not public and not settings.allow_private:
            raise PhotoError(
                "refused", f"photo URL points to a non-public address ({address}); refused"
            )
    if not addresses:
        raise PhotoError("unreachable", f"photo host {host!r} has no address")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to an address checked beforehand (no second DNS lookup)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def fetch_url(url: str, settings: LoadSettings) -> bytes:
    """GET ``url`` within the limits; redirects are followed and checked again."""
    deadline = time.monotonic() + settings.total_timeout_s
    for _ in range(settings.max_redirects + 1):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PhotoError("bad_ref", f"photo URL {url[:100]!r} is not http(s)")
        secure = parts.scheme == "https"
        port = parts.port or (443 if secure else 80)
        address = check_address(parts.hostname, port, settings)
        timeout = max(0.05, min(settings.timeout_s, deadline - time.monotonic()))
        cls = _PinnedHTTPS if secure else _PinnedHTTP
        conn = cls(parts.hostname, port, address, timeout)
        path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        try:
            conn.request("GET", path, headers={"User-Agent": "shelfcheck", "Accept": "image/*"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise PhotoError("http_error", f"photo URL redirects nowhere ({response.status})")
                url = urllib.parse.urljoin(url, location)
                continue
            if response.status != 200:
                raise PhotoError("http_error", f"photo URL answered HTTP {response.status}")
            ctype = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if ctype and not ctype.startswith("image/") and ctype != "application/octet-stream":
                raise PhotoError("not_image", f"photo URL gives {ctype!r}, not an image")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > settings.max_bytes:
                raise PhotoError("too_large", f"photo is {length} bytes, over {settings.max_bytes}")
            return _read_body(response, settings.max_bytes, deadline)
        except PhotoError:
            raise
        except TimeoutError as exc:
            raise PhotoError("timeout", f"photo URL did not answer within {timeout:.1f} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise PhotoError("unreachable", f"photo URL cannot be fetched: {exc}") from exc
        finally:
            conn.close()
    raise PhotoError("http_error", f"photo URL redirects more than {settings.max_redirects} times")


def _read_body(response: http.client.HTTPResponse, limit: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise PhotoError("timeout", "photo download took too long")
        chunk = response.read(65536)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            raise PhotoError("too_large", f"photo is over {limit} bytes")
        chunks.append(chunk)


# --- pixels ---------------------------------------------------------------------------


def decode(data: bytes, settings: LoadSettings, *, max_side: int = 1024) -> Decoded:
    """Decode ``data`` into RGB at most ``max_side`` pixels a side (draft mode for JPEG)."""
    if not data:
        raise PhotoError("empty", "photo file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image: Image.Image = Image.open(BytesIO(data))
            width, height = image.size
            if width * height > settings.max_pixels or width <= 0 or height <= 0:
                raise PhotoError(
                    "too_many_pixels",
                    f"photo is {width}x{height} pixels, over the limit of {settings.max_pixels}",
                )
            fmt = image.format or "?"
            frames = int(getattr(image, "n_frames", 1) or 1)
            mode = image.mode
            has_alpha = mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
                mode == "P" and "transparency" in image.info
            )
            orientation = image.getexif().get(0x0112, 1) if hasattr(image, "getexif") else 1
            if fmt == "JPEG":
                image.draft("RGB", (max_side, max_side))
            image.load()
            if orientation in (5, 6, 7, 8):
                width, height = height, width
            image = ImageOps.exif_transpose(image)
            image = _to_rgb(image)
            if max(image.size) > max_side:
                image.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    except PhotoError:
        raise
    except UnidentifiedImageError as exc:
        raise PhotoError("not_image", "photo file is not an image Pillow can read") from exc
    except Image.DecompressionBombError as exc:
        raise PhotoError("too_many_pixels", f"photo is a decompression bomb: {exc}") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        text = str(exc)
        kind = "truncated" if "truncated" in text or "broken" in text else "corrupt"
        raise PhotoError(kind, f"photo file is damaged ({text[:120]})") from exc
    return Decoded(image, width, height, fmt, mode, frames, has_alpha)


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB on white: transparency is composed over white, CMYK/palette/16-bit converted."""
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "La", "RGBa", "PA"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        import numpy as np

        array = np.asarray(image, dtype=np.float64)
        top = float(array.max()) or 1.0
        image = Image.fromarray((array * (255.0 / top)).clip(0, 255).astype("uint8"), "L")
    return image.convert("RGB") if image.mode != "RGB" else image
