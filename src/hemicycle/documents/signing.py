"""PAdES signatures of final documents, minutes and registers (issue 4, "Electronic signature").

``sign_pdf(pdf, user, capacity=, field_name=)`` adds one PAdES signature (``ETSI.CAdES.detached``)
in an incremental update, so that signing again (the secretary after the president) keeps the
first signature valid:

- the signer's key: documents/keys.py (embedded CA + PKCS#12 per signatory, or a PKCS#11 token);
- a visible block (name, capacity, date) in ``box`` on ``page`` (last page by default);
- the signature time from an RFC 3161 token of the service of sittings/timestamping.py
  (the embedded TSA by default, ``HEMICYCLE_TSA_URL`` otherwise);
- long-term validation data (PAdES B-LT): the certificates of the signer's and the TSA's
  chains and the embedded CA's revocation list go into the document security store, in the
  same revision as the signature (no extra revision, no VRI).

Engineering (bench B3, docs/benchmarks.md): pyHanko used naively costs ~150 ms per document,
almost all of it set-up repeated per document. Here a :class:`_Engine` per signer and process
keeps: the signer with its private key parsed once (keys.py), the timestamper with its key
parsed once, the pre-signing validation of the certificate chains (done once, refreshed
hourly), the PdfSigner objects per field, and a fixed size for the signature container
computed once from the real parts instead of a dry-run signature per document. The CMS
container itself (and the embedded TSA's token) is assembled from DER parts split once from
a first container built by pyHanko (:class:`_ContainerTemplate`): rebuilding asn1crypto
objects per document costs more than the RSA signature. What remains per document: parsing
the PDF, writing the incremental update (pyHanko), hashing it, one RSA signature, one token.

The visible block is drawn with DejaVu Sans (documents/fonts/, Bitstream Vera licence) embedded
as a subset, so a signed PDF/A stays PDF/A (pyHanko's default Courier is not embedded). pyHanko's
own OpenType support re-reads and re-subsets the font for every document (~200 ms); here the
font is loaded once per process, each signer's subset and ToUnicode map are built once (the
date's glyphs are always included) and the lines of text are shaped once (:class:`_StampFont`).

``sign_final(user, document)`` is the action on a FinalDocument (rights, journal, state,
notification); ``sign_finals_task`` signs many in the background ("Signer tout"). The capacity
is the one the document prints for the signing member, else the user's current mandate
("Maire de …", keys.member_capacity), else their title. Minutes: documents/minutes_signing.py.
``verify_pdf(pdf)`` reports every signature of a PDF (signatories/verification page, command
``hemicycle signature_verify``), checked now and at the signing time with the validation data
embedded (long-term validation: a certificate expired since still proves the document).
"""

import asyncio
import collections
import concurrent.futures
import datetime
import functools
import hashlib
import io
import logging
import secrets
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from . import keys

logger = logging.getLogger(__name__)

DIGEST = "sha256"
# Where the first signature goes when FINAL's module does not say (last page, bottom right).
DEFAULT_SIGNATURE_BOX = (330, 60, 560, 140)
DEFAULT_SIGNATURE_FIELD = "Signature1"
PRESIGN_TTL = 3600  # seconds the chain validation collected before signing is reused
STAMP_TEXT = "Signé électroniquement par\n%(signer)s\n%(capacity)s\nle %(ts)s"
STAMP_TIME_FORMAT = "%d/%m/%Y à %H:%M:%S %Z"  # pyHanko writes the signing time with it
# The font of the visible block, embedded as a subset (PDF/A forbids pyHanko's default
# non-embedded Courier): DejaVu Sans, shipped in documents/fonts/ with its licence.
STAMP_FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
STAMP_FONT_SIZE = 9
# Glyphs embedded with every block whatever its text: the digits and the signs of the date, so
# a signer's subset does not change from one signature to the next and is built once.
STAMP_FONT_PADDING = "0123456789/:.,-+ àéCETUSMZ"


def _run(coroutine_function):
    """Run a pyHanko coroutine to completion, also from code that already runs an event loop
    (an async server, a browser-driving test): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_function())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function())).result()


def signature_layout() -> tuple[str, tuple]:
    """(field name, box) of the first signature on a final document: FINAL's module defines
    them (its template leaves that space free); the same defaults otherwise."""
    try:
        from . import final
    except ImportError:
        return DEFAULT_SIGNATURE_FIELD, DEFAULT_SIGNATURE_BOX
    return (getattr(final, "SIGNATURE_FIELD", DEFAULT_SIGNATURE_FIELD),
            tuple(getattr(final, "SIGNATURE_BOX", DEFAULT_SIGNATURE_BOX)))


# --- Timestamper ------------------------------------------------------------------------------

_ts_cache: dict[tuple, object] = {}
_ts_lock = threading.Lock()


def _fast_embedded_timestamper():
    """The embedded TSA of sittings/timestamping.py (same certificate, same policy OID), with
    its private key parsed once: pyHanko's DummyTimeStamper re-loads it from DER for every
    token, ~150 ms for its RSA-3072 key."""
    from asn1crypto import core, keys as asn1_keys, tsp
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    from hemicycle.sittings import timestamping

    folder = timestamping.ensure_embedded_tsa()
    private_key = serialization.load_pem_private_key((folder / timestamping.KEY_FILE).read_bytes(), password=None)
    key_info = asn1_keys.PrivateKeyInfo.load(private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    class EmbeddedTimeStamper(DummyTimeStamper):
        """Tokens assembled from DER parts: the first one is built by pyHanko, its constant
        parts (TSA name, policy, certificates, signer identifier, algorithms) are kept as
        bytes; each token then costs one RSA signature and a few length prefixes."""

        template = None

        def _build_tst_info(self, message_imprint, dt, req):
            info = super()._build_tst_info(message_imprint, dt, req)
            info["policy"] = tsp.ObjectIdentifier(timestamping.EMBEDDED_POLICY_OID)
            return info

        def _sign_tst_info(self, tst_info_data, md_algorithm, dt):
            attributes = cms.CMSAttributes([
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
                simple_cms_attribute("message_digest", hashlib.new(md_algorithm, tst_info_data).digest()),
            ])
            signature = private_key.sign(attributes.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm))
            return signature, attributes

        async def _template(self):
            if self.template is None:
                sample = await super().async_timestamp(hashlib.sha256(b"hemicycle-tsa").digest(), DIGEST)
                signed_data = sample["content"]
                info = signed_data["encap_content_info"]["content"].parsed
                signer_info = signed_data["signer_infos"][0]
                attrs = signer_info["signed_attrs"]
                content = attrs.contents
                time_der = next(a for a in attrs if a["type"].native == "signing_time")["values"][0].dump()
                digest = next(a for a in attrs if a["type"].native == "message_digest")["values"][0].native
                if content.count(time_der) != 1 or content.count(digest) != 1:
                    raise ValueError("unexpected timestamp attributes")
                self.template = {
                    "policy": info["policy"].dump(),
                    "algorithm": info["message_imprint"]["hash_algorithm"].dump(),
                    "tsa": info["tsa"].dump(),
                    "attrs": content, "time_at": content.index(time_der), "time_len": len(time_der),
                    "digest_at": content.index(digest), "digest_len": len(digest),
                    "signer_head": (signer_info["version"].dump() + signer_info["sid"].dump()
                                    + signer_info["digest_algorithm"].dump()),
                    "signature_algorithm": signer_info["signature_algorithm"].dump(),
                    "data_head": signed_data["version"].dump() + signed_data["digest_algorithms"].dump(),
                    "tst_type": signed_data["encap_content_info"]["content_type"].dump(),
                    "certificates": signed_data["certificates"].dump(),
                    "content_type": sample["content_type"].dump(),
                }
            return self.template

        async def async_timestamp(self, message_digest, md_algorithm):
            if md_algorithm != DIGEST:
                return await super().async_timestamp(message_digest, md_algorithm)
            t = await self._template()
            now = datetime.datetime.now(datetime.UTC)
            imprint = _tlv(0x30, t["algorithm"] + _tlv(0x04, message_digest))
            tst_info = _tlv(0x30, b"\x02\x01\x01" + t["policy"] + imprint
                            + core.Integer(secrets.randbits(63)).dump() + core.GeneralizedTime(now).dump() + t["tsa"])
            time_der = core.UTCTime(now.replace(microsecond=0)).dump()
            attrs = bytearray(t["attrs"])
            if len(time_der) != t["time_len"]:
                return await super().async_timestamp(message_digest, md_algorithm)
            attrs[t["time_at"]:t["time_at"] + t["time_len"]] = time_der
            attrs[t["digest_at"]:t["digest_at"] + t["digest_len"]] = hashlib.sha256(tst_info).digest()
            attrs = bytes(attrs)
            signature = private_key.sign(_tlv(0x31, attrs), PKCS1v15(), get_pyca_cryptography_hash(DIGEST))
            signer_info = _tlv(0x30, t["signer_head"] + _tlv(0xA0, attrs) + t["signature_algorithm"]
                               + _tlv(0x04, signature))
            encap = _tlv(0x30, t["tst_type"] + _tlv(0xA0, _tlv(0x04, tst_info)))
            signed_data = _tlv(0x30, t["data_head"] + encap + t["certificates"] + _tlv(0x31, signer_info))
            return cms.ContentInfo.load(_tlv(0x30, t["content_type"] + _tlv(0xA0, signed_data)))

    return EmbeddedTimeStamper(tsa_cert=timestamping.embedded_certificate(), tsa_key=key_info)


def signing_timestamper():
    """The process-wide timestamper for signatures (external service when configured)."""
    from hemicycle.sittings import timestamping

    url = timestamping.tsa_url()
    cache_key = (url, str(settings.DATA_DIR))
    stamper = _ts_cache.get(cache_key)
    if stamper is None:
        stamper = timestamping.timestamper() if url else _fast_embedded_timestamper()
        with _ts_lock:
            stamper = _ts_cache.setdefault(cache_key, stamper)
    return stamper


def trust_roots() -> list:
    """Certificates trusted when signing and verifying: the embedded CA (when this
    installation has one), the TSA certificates, and ``HEMICYCLE_SIGNING_TRUST`` (PEM file of
    the production CA certificates)."""
    from asn1crypto import pem, x509

    from hemicycle.sittings import timestamping

    roots = []
    ca = keys.ca_certificate_if_exists()
    if ca is not None:
        roots.append(ca)
    roots.extend(timestamping.trusted_certificates())
    configured = keys._setting("HEMICYCLE_SIGNING_TRUST")
    if configured:
        with open(configured, "rb") as handle:
            data = handle.read()
        for _, _, der in pem.unarmor(data, multiple=True) if pem.detect(data) else [(None, None, data)]:
            roots.append(x509.Certificate.load(der))
    unique = {}
    for cert in roots:
        unique.setdefault(cert.sha256, cert)
    return list(unique.values())


# --- Font of the visible block --------------------------------------------------------------------

class _StampFont:
    """DejaVu Sans loaded once per process: the HarfBuzz font that shapes the text, the glyph
    advances, and the embedded subsets already built, by set of glyphs.

    pyHanko's GlyphAccumulatorFactory re-reads the font and re-subsets it with fontTools for
    every document (~200 ms for this 760 kB font, 20 times B3's budget). The text of a block
    only changes with the signer (name, capacity) and the date, whose glyphs are always added
    (STAMP_FONT_PADDING): each signer's subset is built once, then its compressed bytes are
    written as they are into every document the signer signs."""

    def __init__(self, path: Path):
        import uharfbuzz as hb
        from fontTools import ttLib

        self.data = path.read_bytes()
        self.tt = tt = ttLib.TTFont(io.BytesIO(self.data))
        self.ps_name = next(n.toUnicode() for n in tt["name"].names if n.nameID == 6)
        # Everything in the PDF's glyph space (1/1000 em): DejaVu has 2048 units per em, and
        # pyHanko's layout writes advances as they come (right only for 1000-unit fonts).
        font_units = tt["head"].unitsPerEm
        self.units_per_em = 1000
        self.hb_font = hb.Font(hb.Face(self.data))
        self.hb_font.scale = (1000, 1000)
        order = tt.getGlyphOrder()
        metrics = tt["hmtx"].metrics
        self.widths = [round(metrics[name][0] * 1000 / font_units) for name in order]
        self.glyph_names = order
        self.reverse_cmap = tt["cmap"].buildReversed()
        # Padding glyphs and the characters they show, in every subset and ToUnicode map.
        self.padding_unicode = {}
        for char in STAMP_FONT_PADDING:
            for glyph in self.glyphs_of(char):
                self.padding_unicode.setdefault(glyph, char)
        self.padding = frozenset(self.padding_unicode)
        for table in ("hhea", "head", "OS/2", "post"):  # read now: FontDescriptor uses them
            tt[table]
        self.subsets: dict[frozenset, bytes] = {}
        self.cmaps: dict[frozenset, bytes] = {}
        # Lines already shaped (name, capacity, heading): (ShapeResult, glyphs, cid → text).
        self.shapes: collections.OrderedDict = collections.OrderedDict()
        self.lock = threading.Lock()

    def remember(self, cache: dict, key, value, limit: int = 256):
        with self.lock:
            cache[key] = value
            while len(cache) > limit:  # many signers in one process: keep the memory bounded
                cache.pop(next(iter(cache)))

    def glyphs_of(self, text: str) -> list[int]:
        import uharfbuzz as hb

        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(self.hb_font, buf, None)
        return [info.codepoint for info in buf.glyph_infos]

    def program(self, glyphs) -> bytes:
        """The compressed TrueType subset holding ``glyphs`` (and the padding), glyph ids kept."""
        key = frozenset(glyphs) | self.padding
        program = self.subsets.get(key)
        if program is None:
            from fontTools import subset, ttLib

            options = subset.Options(layout_closure=False, retain_gids=True)
            options.drop_tables += ["GPOS", "GDEF", "GSUB", "FFTM"]
            font = ttLib.TTFont(io.BytesIO(self.data))
            subsetter = subset.Subsetter(options=options)
            subsetter.populate(gids=sorted(key))
            subsetter.subset(font)
            out = io.BytesIO()
            font.save(out)
            program = zlib.compress(out.getvalue(), 6)
            self.remember(self.subsets, key, program)
        return program


_stamp_fonts: dict[str, _StampFont] = {}
_stamp_fonts_lock = threading.Lock()


def stamp_font() -> _StampFont:
    key = str(STAMP_FONT)
    font = _stamp_fonts.get(key)
    if font is None:
        with _stamp_fonts_lock:
            font = _stamp_fonts.get(key)
            if font is None:
                font = _stamp_fonts[key] = _StampFont(STAMP_FONT)
    return font


@functools.cache
def _stamp_font_factory():
    """A pyHanko FontEngineFactory drawing the block with the shared DejaVu Sans (embedded)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import CIDFontType2, GlyphAccumulator, _build_type0_font_from_cidfont

    class CachedCIDFont(CIDFontType2):
        """The CIDFontType2 dictionary of a subset whose font program is already compressed."""

        def __init__(self, shared: _StampFont, subset_prefix: str, program: bytes):
            super().__init__(shared.tt, shared.ps_name, subset_prefix)
            self._program = program

        def set_font_file(self, writer):
            stream = generic.StreamObject({generic.NameObject("/Filter"): generic.NameObject("/FlateDecode")},
                                          encoded_data=self._program)
            ref = writer.add_object(stream)
            self._font_descriptor[generic.NameObject("/FontFile2")] = ref
            return ref

    class SharedGlyphAccumulator(GlyphAccumulator):
        """pyHanko's GlyphAccumulator (HarfBuzz shaping, ToUnicode map, Type0/CIDFontType2 font)
        on the process-wide font: nothing is read or parsed per document, and the subset's
        program comes from the cache."""

        def __init__(self, writer, shared: _StampFont, font_size, obj_stream=None):
            FontEngine.__init__(self, writer, shared.ps_name, embedded_subset=True, obj_stream=obj_stream,
                                font_size=font_size)
            self.shared = shared
            self.hb_font = shared.hb_font
            self.tt = shared.tt
            self._font_ref = writer.allocate_placeholder()
            self.cff_charset = None
            self.use_raw_gids = True
            self.features = None
            self.units_per_em = shared.units_per_em
            self._glyphs = {}
            self._cid_to_unicode = {}
            self._GlyphAccumulator__reverse_cmap = shared.reverse_cmap
            self.ot_language_tag = self.ot_script_tag = self.writing_direction = None
            self.bcp47_lang_code = "fr"
            self._subset_created = self._write_prepared = False

        def shape(self, txt: str, with_actual_text: bool = True):
            """pyHanko's shaping, kept per line: a signer's name, capacity and the heading
            are shaped once; only the date line is shaped for each document."""
            key = (txt, with_actual_text, self.font_size, self.bcp47_lang_code)
            cached = self.shared.shapes.get(key)
            if cached is None:
                outer = self._glyphs, self._cid_to_unicode
                self._glyphs, self._cid_to_unicode = {}, {}
                try:
                    result = super().shape(txt, with_actual_text)
                    cached = (result, self._glyphs, self._cid_to_unicode)
                finally:
                    self._glyphs, self._cid_to_unicode = outer
                self.shared.remember(self.shared.shapes, key, cached)
            result, glyphs, to_unicode = cached
            self._glyphs.update(glyphs)
            self._cid_to_unicode.update(to_unicode)
            return result

        def _format_tounicode_cmap(self):
            """The ToUnicode map, padding glyphs included (so it is the same for every document
            of a signer and built once)."""
            self._cid_to_unicode = {**self.shared.padding_unicode, **self._cid_to_unicode}
            key = frozenset(self._cid_to_unicode.items())
            data = self.shared.cmaps.get(key)
            if data is None:
                data = super()._format_tounicode_cmap().encoded_data
                self.shared.remember(self.shared.cmaps, key, data)
            return generic.StreamObject({generic.NameObject("/Filter"): generic.NameObject("/FlateDecode")},
                                        encoded_data=data)

        def _get_cid_and_width(self, glyph_id: int):
            found = self._glyphs.get(glyph_id)
            if found is None:
                found = self._glyphs[glyph_id] = (glyph_id, self.shared.widths[glyph_id])
            return found

        def prepare_write(self):
            if self._write_prepared:
                return
            cidfont = CachedCIDFont(self.shared, self.subset_prefix, self.shared.program(self._glyphs))
            type0 = _build_type0_font_from_cidfont(
                writer=self.writer, cidfont_obj=cidfont, widths_by_cid_iter=iter(sorted(self._glyphs.values())),
                obj_stream=self.obj_stream, vertical=False)
            type0[generic.NameObject("/ToUnicode")] = self.writer.add_object(self._format_tounicode_cmap())
            self.writer.add_object(type0, self.obj_stream, idnum=self._font_ref.idnum)
            self._write_prepared = True

    class SharedFontFactory(FontEngineFactory):
        def create_font_engine(self, writer, obj_stream=None):
            return SharedGlyphAccumulator(writer, stamp_font(), STAMP_FONT_SIZE, obj_stream=obj_stream)

    return SharedFontFactory()


# --- Signature container ------------------------------------------------------------------------

def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


@dataclass
class _ContainerTemplate:
    """The CMS SignedData of one signer, split once into its constant DER parts.

    pyHanko builds the first container (PAdES signed attributes: content type, message
    digest, signing-certificate-v2, CMS algorithm protection; no signing-time, as PAdES wants);
    the parts that never change between documents — certificates, signer identifier,
    algorithms, the signed attributes around the 32-byte message digest — are kept as bytes.
    Per document only the digest, the RSA signature and the timestamp token change, so the
    container is assembled with a few length prefixes instead of rebuilding (and re-encoding)
    asn1crypto objects, which costs more than the cryptography itself."""

    attrs_prefix: bytes
    attrs_suffix: bytes
    signer_info_head: bytes  # version, sid, digestAlgorithm
    signature_algorithm: bytes
    signed_data_head: bytes  # version, digestAlgorithms, encapContentInfo, [0] certificates
    content_type: bytes  # OID signedData
    tst_attribute_type: bytes  # OID id-aa-signatureTimeStampToken

    @classmethod
    async def build(cls, signer) -> "_ContainerTemplate":
        from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

        marker = hashlib.sha256(b"hemicycle-container-template").digest()
        sample = await signer.async_sign(marker, DIGEST, use_pades=True, timestamper=None,
                                         signed_attr_settings=PdfCMSSignedAttributes(signing_time=timezone.now()))
        signed_data = sample["content"]
        info = signed_data["signer_infos"][0]
        attrs = info["signed_attrs"].contents
        if attrs.count(marker) != 1 or "signing_time" in {a["type"].native for a in info["signed_attrs"]}:
            raise ValueError("unexpected signed attributes")
        at = attrs.index(marker)
        return cls(
            attrs_prefix=attrs[:at], attrs_suffix=attrs[at + len(marker):],
            signer_info_head=info["version"].dump() + info["sid"].dump() + info["digest_algorithm"].dump(),
            signature_algorithm=info["signature_algorithm"].dump(),
            signed_data_head=(signed_data["version"].dump() + signed_data["digest_algorithms"].dump()
                              + signed_data["encap_content_info"].dump() + signed_data["certificates"].dump()),
            content_type=sample["content_type"].dump(),
            tst_attribute_type=cms.CMSAttributeType("signature_time_stamp_token").dump(),
        )

    async def container(self, signer, timestamper, document_digest: bytes):
        """(DER CMS ContentInfo, timestamp token or None) over ``document_digest``."""
        attrs = self.attrs_prefix + document_digest + self.attrs_suffix
        signature = await signer.async_sign_raw(_tlv(0x31, attrs), DIGEST)  # signed as a SET OF
        unsigned, token = b"", None
        if timestamper is not None:
            token = await timestamper.async_timestamp(hashlib.new(DIGEST, signature).digest(), DIGEST)
            unsigned = _tlv(0xA1, _tlv(0x30, self.tst_attribute_type + _tlv(0x31, token.dump())))
        signer_info = _tlv(0x30, self.signer_info_head + _tlv(0xA0, attrs) + self.signature_algorithm
                           + _tlv(0x04, signature) + unsigned)
        signed_data = _tlv(0x30, self.signed_data_head + _tlv(0x31, signer_info))
        return _tlv(0x30, self.content_type + _tlv(0xA0, signed_data)), token


# --- Engine ---------------------------------------------------------------------------------

@dataclass
class _Engine:
    """Everything reused between the signatures of one signer in one process."""

    kit: keys.SignerKit
    timestamper: object
    validation_context: object = None
    presign: object = None
    presign_until: float = 0.0
    bytes_reserved: int = 0
    template: _ContainerTemplate | None = None
    pdf_signers: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _new_validation_context(self):
        from pyhanko_certvalidator import ValidationContext

        crls = [keys.current_crl()] if self.kit.backend == keys.EMBEDDED else []
        roots = trust_roots() + ([self.kit.chain[-1]] if self.kit.chain and self.kit.backend == keys.PKCS11 else [])
        return ValidationContext(trust_roots=roots, other_certs=self.kit.chain, crls=crls,
                                 allow_fetching=self.kit.backend == keys.PKCS11, revocation_mode="soft-fail")

    def refresh(self) -> None:
        """A new validation context (and so new PdfSigners, whose metadata hold it) at first use
        and every hour: the embedded CRL may have been renewed meanwhile."""
        now = time.monotonic()
        if self.validation_context is None or now > self.presign_until:
            self.validation_context = self._new_validation_context()
            self.pdf_signers.clear()
            self.presign = None
            self.presign_until = now + PRESIGN_TTL

    async def presign_status(self, session, writer):
        """The chain validation of the signer and of the TSA, with the revocation data to embed:
        computed once per validation context, then reused for every document."""
        if self.presign is None:
            self.presign = await session.perform_presign_validation(writer)
        return self.presign

    async def reserve(self) -> int:
        """Bytes for the signature container (hex, so twice the DER size), fixed once from the
        real sizes: the container's constant parts, a real token of this TSA, the signature."""
        if self.template is None:
            self.template = await _ContainerTemplate.build(self.kit.signer)
        if not self.bytes_reserved:
            t = self.template
            size = len(t.signed_data_head) + len(t.signer_info_head) + len(t.attrs_prefix) + len(t.attrs_suffix)
            size += len(t.signature_algorithm) + 32 + 512 + 64  # digest, signature (up to RSA-4096), headers
            if self.timestamper is not None:
                size += len((await self.timestamper.async_dummy_response(DIGEST)).dump()) + 32
            size += 2048  # margin: external TSAs' tokens vary a little in size
            self.bytes_reserved = 2 * ((size + 1023) // 1024 * 1024)
        return self.bytes_reserved

    def pdf_signer(self, field_name: str, page: int, box, reason: str):
        from pyhanko.pdf_utils.text import TextBoxStyle
        from pyhanko.sign import fields, signers
        from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
        from pyhanko.stamp import TextStampStyle

        key = (field_name, page, tuple(box) if box else None, reason)
        signer = self.pdf_signers.get(key)
        if signer is None:
            meta = signers.PdfSignatureMetadata(
                field_name=field_name, md_algorithm=DIGEST, subfilter=fields.SigSeedSubFilter.PADES,
                name=self.kit.name, reason=reason or None, location=_location(self.kit),
                embed_validation_info=True, validation_context=self.validation_context,
                signer_key_usage={"non_repudiation"},
                dss_settings=DSSContentSettings(placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
                                                include_vri=False),
            )
            style = TextStampStyle(stamp_text=STAMP_TEXT, background=None, border_width=1,
                                   timestamp_format=STAMP_TIME_FORMAT,
                                   text_box_style=TextBoxStyle(font=_stamp_font_factory(), font_size=STAMP_FONT_SIZE))
            spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=tuple(box) if box else None)
            signer = signers.PdfSigner(meta, self.kit.signer, timestamper=self.timestamper, stamp_style=style,
                                       new_field_spec=spec)
            self.pdf_signers[key] = signer
        return signer


def _location(kit: keys.SignerKit) -> str | None:
    organisation = kit.certificate.subject.native.get("organization_name")
    return organisation or None


_engines: dict[tuple, _Engine] = {}
_engines_lock = threading.Lock()


def _engine(kit: keys.SignerKit, *, timestamp: bool = True) -> _Engine:
    stamper = signing_timestamper() if timestamp else None
    cache_key = (id(kit), id(stamper))
    engine = _engines.get(cache_key)
    if engine is None or engine.kit is not kit:
        engine = _Engine(kit=kit, timestamper=stamper)
        with _engines_lock:
            _engines[cache_key] = engine
    return engine


def forget_cached_signers() -> None:
    """Drop every cached signer, timestamper and key (tests; after a key rotation)."""
    with _engines_lock:
        _engines.clear()
    with _ts_lock:
        _ts_cache.clear()
    keys.forget_cached_keys()


# --- Signing --------------------------------------------------------------------------------

@dataclass
class SignedPdf:
    pdf: bytes
    signed_at: datetime.datetime  # the timestamp token's time when there is one
    timestamped: bool
    kit: keys.SignerKit


def _token_time(token) -> datetime.datetime | None:
    """The genTime of an RFC 3161 token (asn1crypto ContentInfo)."""
    try:
        return token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    except (ValueError, KeyError, TypeError):
        logger.exception("Jeton d'horodatage illisible")
        return None


async def _sign(engine: _Engine, pdf: bytes, *, field_name: str, page: int, box, reason: str,
                text_params: dict, bytes_reserved: int):
    """pyHanko prepares the document (field, visible block, DSS, byte range, digest); the
    container comes from the signer's template; pyHanko writes it in place."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pdf_signer = engine.pdf_signer(field_name, page, box, reason)
    session = pdf_signer.init_signing_session(writer)
    status = await engine.presign_status(session, writer)
    tbs = session.prepare_tbs_document(validation_info=status, bytes_reserved=bytes_reserved,
                                       appearance_text_params=text_params)
    prepared, output = tbs.digest_tbs_document()
    container, token = await engine.template.container(engine.kit.signer, engine.timestamper,
                                                       prepared.document_digest)
    post = PdfTBSDocument.resume_signing(output, prepared, container, post_sign_instr=tbs.post_sign_instructions,
                                         validation_context=engine.validation_context)
    await post.post_signature_processing(output)
    return output.getvalue(), token


def _stamp_time(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return local.strftime("%d/%m/%Y à %H:%M:%S ") + (local.tzname() or "")


def sign_with_kit(pdf: bytes, kit: keys.SignerKit, *, field_name: str, page: int = -1, box=None,
                  reason: str = "", timestamp: bool = True) -> SignedPdf:
    """Sign ``pdf`` with a signer kit (see :func:`sign_pdf`)."""
    from pyhanko.sign.general import SigningError

    engine = _engine(kit, timestamp=timestamp)
    text_params = {"signer": kit.name, "capacity": kit.capacity, "ts": _stamp_time(timezone.now())}

    async def run():
        engine.refresh()
        reserved = await engine.reserve()
        try:
            return await _sign(engine, pdf, field_name=field_name, page=page, box=box, reason=reason,
                               text_params=text_params, bytes_reserved=reserved)
        except SigningError as exc:
            if "larger than expected" not in str(exc):
                raise
            # An external TSA answered with a bigger token than its first one: reserve more.
            engine.bytes_reserved = reserved * 2
            return await _sign(engine, pdf, field_name=field_name, page=page, box=box, reason=reason,
                               text_params=text_params, bytes_reserved=engine.bytes_reserved)

    with engine.lock:  # one pyHanko session at a time per signer (shared validation state)
        output, token = _run(run)
    token_time = _token_time(token) if token is not None else None
    return SignedPdf(pdf=output, signed_at=token_time or timezone.now(), timestamped=token_time is not None, kit=kit)


def sign_pdf(pdf: bytes, user, *, capacity: str, field_name: str, page: int = -1, box=None,
             reason: str = "") -> bytes:
    """Add ``user``'s PAdES signature (B-LT, RFC 3161 timestamp, visible block with their name,
    ``capacity`` and the date in ``box`` = (x1, y1, x2, y2) points on ``page``, the last one by
    default) to ``pdf`` in an incremental update; returns the signed PDF. ``field_name`` must
    differ between co-signatures of one document (e.g. "Signature1", "Signature2")."""
    if box is None:
        box = DEFAULT_SIGNATURE_BOX
    kit = keys.signer_kit(user, capacity)
    return sign_with_kit(pdf, kit, field_name=field_name, page=page, box=box, reason=reason).pdf


def sign_pdf_detailed(pdf: bytes, user, *, capacity: str, field_name: str, page: int = -1, box=None,
                      reason: str = "") -> SignedPdf:
    """Like :func:`sign_pdf`, with the signing time from the token and the certificate used."""
    kit = keys.signer_kit(user, capacity)
    return sign_with_kit(pdf, kit, field_name=field_name, page=page, box=box or DEFAULT_SIGNATURE_BOX,
                         reason=reason)


# --- Action on final documents ------------------------------------------------------------------

def required_signatures(document) -> int:
    """How many signatures complete a final document: the signatories its rendering reserved
    a zone for (``FinalDocument.signatories``, documents/final.py), and at least
    ``HEMICYCLE_FINAL_SIGNATURES`` (1 by default: the executive's; 2 when the sitting secretary
    co-signs deliberations)."""
    try:
        configured = max(1, int(keys._setting("HEMICYCLE_FINAL_SIGNATURES", "1")))
    except ValueError:
        configured = 1
    return max(configured, len(getattr(document, "signatories", None) or []))


def _zone(document, position: int) -> tuple[str, int, tuple]:
    """(field name, page, box) of the ``position``-th signature: the zone the rendering
    reserved for it when there is one; otherwise FINAL's box for the first, a co-signature to
    its left, then above."""
    reserved = list(getattr(document, "signatories", None) or [])
    if len(reserved) >= position:
        entry = reserved[position - 1] or {}
        if entry.get("field_name") and entry.get("box"):
            return entry["field_name"], int(entry.get("page", -1)), tuple(entry["box"])
    first_field, (x1, y1, x2, y2) = signature_layout()
    if position == 1:
        return first_field, -1, (x1, y1, x2, y2)
    width, height = x2 - x1, y2 - y1
    if position == 2:
        left = max(36, x1 - width - 40)
        return "Signature2", -1, (left, y1, left + width, y2)
    shift = (height + 10) * (position - 2)
    return f"Signature{position}", -1, (x1, y1 + shift, x2, y2 + shift)


def can_sign(user, document) -> bool:
    from hemicycle.core.roles import Role

    return (user.is_authenticated and user.is_active and user.authority_id == document.authority_id
            and user.has_role(Role.SIGNATORY))


def awaiting_signature(user):
    """Final documents of the user's authority this signatory may sign now."""
    from .models import FinalDocument

    if not user.is_authenticated or user.authority_id is None:
        return FinalDocument.objects.none()
    states = [FinalDocument.State.RENDERED, FinalDocument.State.PARTIALLY_SIGNED]
    return (FinalDocument.objects.filter(authority_id=user.authority_id, state__in=states)
            .exclude(signatures__signer=user).select_related("act", "item").order_by("decision_date", "number", "pk"))


def _secretariat(authority):
    from hemicycle.accounts.models import User
    from hemicycle.core.roles import Role

    return list(User.objects.filter(authority=authority, is_active=True,
                                    role_assignments__role=Role.SECRETARIAT).distinct())


def document_capacity(user, document) -> str:
    """The capacity ``user`` signs ``document`` in: the one the document prints above the zone
    reserved for this member (FinalDocument.signatories, documents/final.py) when the user is
    that member; else the user's default (current mandate, or title: keys.default_capacity)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        member_id = user.member.pk if getattr(user, "pk", None) else None
    except ObjectDoesNotExist:
        member_id = None
    if member_id is not None:
        for entry in getattr(document, "signatories", None) or []:
            if entry.get("member") == member_id and (entry.get("capacity") or "").strip():
                return " ".join(entry["capacity"].split())
    return keys.default_capacity(user)


@dataclass
class _Prepared:
    """A signature checked and placed, not yet applied (:func:`_prepare`)."""

    document: object  # FinalDocument
    capacity: str
    position: int
    field_name: str
    page: int
    box: tuple
    reason: str
    source_sha256: str


@dataclass
class _Applied:
    """A signed PDF and what the Signature row records of its signer."""

    pdf: bytes
    signed_at: datetime.datetime
    timestamped: bool
    signer_name: str
    subject: str
    certificate_sha256: str

    @classmethod
    def of(cls, signed: SignedPdf) -> "_Applied":
        return cls(pdf=signed.pdf, signed_at=signed.signed_at, timestamped=signed.timestamped,
                   signer_name=signed.kit.name, subject=signed.kit.subject,
                   certificate_sha256=signed.kit.certificate_sha256)


def _check_signer(user, document) -> str:
    """Rights and capacity of ``user`` on ``document``; returns the capacity."""
    if not can_sign(user, document):
        raise PermissionDenied(_("Seuls les signataires de la collectivité peuvent signer les actes."))
    capacity = document_capacity(user, document)
    if not capacity:
        raise ValidationError(_("Votre qualité (fonction) n'est pas renseignée : elle doit figurer dans la "
                                "signature. Demandez à l'administrateur de la compléter."))
    return capacity


def _prepare(user, document, capacity: str) -> _Prepared:
    """The checks on a (locked, fresh) document and where the signature goes."""
    from .models import FinalDocument

    if document.state not in (FinalDocument.State.RENDERED, FinalDocument.State.PARTIALLY_SIGNED):
        if document.state == FinalDocument.State.SIGNED:
            raise ValidationError(_("Cet acte est déjà signé : il ne peut plus être modifié."))
        raise ValidationError(_("Le document définitif de cet acte n'est pas prêt à être signé."))
    if document.signatures.filter(signer=user).exists():
        raise ValidationError(_("Vous avez déjà signé cet acte."))
    source_sha256 = document.current_sha256
    if not source_sha256:
        raise ValidationError(_("Le document définitif de cet acte n'a pas encore été généré."))
    position = document.signatures.count() + 1
    field_name, page, box = _zone(document, position)
    if document.signatures.filter(field_name=field_name).exists():  # a zone is signed once
        field_name = f"Signature{position}"
    return _Prepared(document=document, capacity=capacity, position=position, field_name=field_name, page=page,
                     box=tuple(box), reason=_("Signature de l'acte %(ref)s") % {"ref": document.act.reference},
                     source_sha256=source_sha256)


def _sign_prepared(user, prepared: _Prepared) -> _Applied:
    """The cryptographic part, in this process."""
    from hemicycle.core import blobs

    return _Applied.of(sign_pdf_detailed(blobs.get(prepared.source_sha256), user, capacity=prepared.capacity,
                                         field_name=prepared.field_name, page=prepared.page, box=prepared.box,
                                         reason=prepared.reason))


def _record(user, prepared: _Prepared, signed: _Applied, *, notify_secretariat: bool):
    """Store the signed PDF and write the Signature, the document's state, the journal and the
    notification; inside the transaction holding the document's lock (:func:`sign_final`,
    :func:`_record_checked`)."""
    from hemicycle.core import blobs
    from hemicycle.journal.services import record
    from hemicycle.notifications.models import Notification
    from hemicycle.notifications.services import notify

    from .models import FinalDocument, Signature

    document, position, capacity, source_sha256 = (prepared.document, prepared.position, prepared.capacity,
                                                   prepared.source_sha256)
    output_sha256 = blobs.put(signed.pdf)
    signature = Signature.objects.create(
        document=document, position=position, signer=user, signer_name=signed.signer_name, capacity=capacity,
        field_name=prepared.field_name, signed_at=signed.signed_at, timestamped=signed.timestamped,
        certificate_subject=signed.subject[:500], certificate_sha256=signed.certificate_sha256,
        input_sha256=source_sha256, output_sha256=output_sha256)
    complete = position >= required_signatures(document)
    document.signed_sha256 = output_sha256
    document.state = FinalDocument.State.SIGNED if complete else FinalDocument.State.PARTIALLY_SIGNED
    if complete:
        document.signed_at = signed.signed_at
    document.save(update_fields=["signed_sha256", "state", "signed_at"])
    record("signature.applied", actor=user, obj=document.act,
           data={"document": document.pk, "position": position, "signer": signed.signer_name,
                 "capacity": capacity, "field": signature.field_name, "timestamped": signed.timestamped,
                 "signed_at": signed.signed_at.isoformat(), "certificate_sha256": signature.certificate_sha256,
                 "input_sha256": source_sha256, "output_sha256": output_sha256, "complete": complete})
    if notify_secretariat:
        from django.urls import reverse

        message = (_("%(who)s a signé l'acte %(ref)s.") if complete
                   else _("%(who)s a signé l'acte %(ref)s (signature %(n)d, en attente de co-signature).")) % {
            "who": signed.signer_name, "ref": document.act.reference, "n": position}
        notify(_secretariat(document.authority), Notification.Kind.SIGNATURE, message, act=document.act,
               url=reverse("documents:final_signatures", kwargs={"slug": document.act.slug}), exclude=user)
    return signature


def _locked(document):
    from .models import FinalDocument

    return FinalDocument.objects.select_for_update().select_related("act", "authority").get(pk=document.pk)


def sign_final(user, document, *, notify_secretariat: bool = True):
    """``user`` (a signatory with a capacity) signs the final document of an act. The document
    must be rendered and not yet fully signed; a signatory signs a document once. Writes the
    Signature, the signed PDF (blob), the document's state, the journal ("signature.applied")
    and notifies the secretariat. Returns the Signature."""
    capacity = _check_signer(user, document)
    with transaction.atomic():
        prepared = _prepare(user, _locked(document), capacity)
        signed = _sign_prepared(user, prepared)
        return _record(user, prepared, signed, notify_secretariat=notify_secretariat)


def _record_checked(user, prepared: _Prepared, signed: _Applied):
    """Record a signature made outside the document's lock (in a worker process): the document
    is locked and checked again; if it changed meanwhile (another signature, a new rendering)
    the signature is made again here, on the current document (:func:`sign_final`). Returns
    the Signature."""
    capacity = _check_signer(user, prepared.document)
    with transaction.atomic():
        fresh = _prepare(user, _locked(prepared.document), capacity)
        if (fresh.source_sha256, fresh.position, fresh.field_name, fresh.capacity) != (
                prepared.source_sha256, prepared.position, prepared.field_name, prepared.capacity):
            signed = _sign_prepared(user, fresh)
        return _record(user, fresh, signed, notify_secretariat=False)


@dataclass
class BatchResult:
    signed: list = field(default_factory=list)  # document ids
    failed: dict = field(default_factory=dict)  # document id -> French message


WORKER_SETTINGS = ("HEMICYCLE_TSA_URL", "HEMICYCLE_TSA_CERT", "HEMICYCLE_TSA_USER", "HEMICYCLE_TSA_PASSWORD",
                   "HEMICYCLE_TSA_TIMEOUT", "HEMICYCLE_SIGNING_TRUST")
PARALLEL_SIGNING_FROM = 8  # fewer documents are signed in this process (starting workers costs more)


def _batch_error(result: BatchResult, document, exc: Exception) -> None:
    if isinstance(exc, (PermissionDenied, ValidationError)):
        result.failed[document.pk] = " ".join(getattr(exc, "messages", None) or [str(exc)])
    else:  # a failing document must not stop the batch
        logger.error("Signature impossible du document %s : %r", document.pk, exc, exc_info=exc)
        result.failed[document.pk] = _("Erreur technique (%(kind)s).") % {"kind": type(exc).__name__}


def _worker_jobs(user, prepared: list[_Prepared]) -> list[dict]:
    """What a worker process needs to sign each prepared document (signing_workers.py)."""
    from hemicycle.core import blobs

    # the settings the signature reads, as this process sees them (tests and settings may differ
    # from the environment the workers started with)
    passed = {name: keys._setting(name) for name in WORKER_SETTINGS}
    jobs, paths = [], {}
    for item in prepared:
        if item.capacity not in paths:  # issued here if needed, checked once (~40 ms); workers only read it
            paths[item.capacity] = keys.ensure_user_p12(user, item.capacity)
        path = paths[item.capacity]
        jobs.append({"pdf": blobs.get(item.source_sha256), "p12_path": str(path),
                     "password": keys._p12_password(user), "name": keys.signer_name(user),
                     "capacity": " ".join(item.capacity.split()), "data_dir": str(settings.DATA_DIR),
                     "field_name": item.field_name, "page": item.page, "box": list(item.box),
                     "reason": item.reason, "settings": passed})
    return jobs


def _signed_in_workers(user, prepared: list[_Prepared], processes: int):
    """(prepared, _Applied or exception) for each, signed in the rendering pool's workers."""
    from concurrent.futures.process import BrokenProcessPool

    from . import final, signing_workers

    pool = final._render_pool(min(processes, len(prepared)))
    futures = [pool.submit(signing_workers.sign, job) for job in _worker_jobs(user, prepared)]
    for item, future in zip(prepared, futures, strict=True):
        try:
            yield item, _Applied(**future.result())
        except BrokenProcessPool as exc:  # a worker died: start afresh next time
            final._drop_pool()
            yield item, exc
        except Exception as exc:  # noqa: BLE001 - reported per document
            yield item, exc


def sign_finals(user, document_ids, *, processes: int | None = None) -> BatchResult:
    """Sign many documents (the parapheur's "Signer tout"); one summary notification to the
    secretariat instead of one per act. A document that cannot be signed is skipped with its
    reason; the others are signed. From ``PARALLEL_SIGNING_FROM`` documents (embedded keys),
    the signatures themselves are computed in ``HEMICYCLE_RENDER_PROCESSES`` worker processes
    (the rendering pool, signing_workers.py) while every check and every write (Signature,
    blob, state, journal) stays here, through the same functions as :func:`sign_final`; each
    document is recorded as soon as its signature is back, so the parapheur's progress moves."""
    from hemicycle.notifications.models import Notification
    from hemicycle.notifications.services import notify
    from hemicycle.sittings.convocation_documents import render_processes

    from .models import FinalDocument

    result = BatchResult()
    documents = list(FinalDocument.objects.filter(pk__in=list(document_ids), authority_id=user.authority_id)
                     .select_related("act", "authority").order_by("number", "pk"))
    processes = render_processes() if processes is None else processes
    parallel = (processes > 1 and len(documents) >= PARALLEL_SIGNING_FROM and keys.backend() == keys.EMBEDDED)
    if not parallel:
        for document in documents:
            try:
                sign_final(user, document, notify_secretariat=False)
            except Exception as exc:  # noqa: BLE001 - reported per document
                _batch_error(result, document, exc)
            else:
                result.signed.append(document.pk)
    else:
        prepared = []
        for document in documents:  # checked now (no lock held while workers sign), again when recording
            try:
                prepared.append(_prepare(user, document, _check_signer(user, document)))
            except Exception as exc:  # noqa: BLE001
                _batch_error(result, document, exc)
        for item, signed in _signed_in_workers(user, prepared, processes):
            try:
                if isinstance(signed, Exception):
                    raise signed
                _record_checked(user, item, signed)
            except Exception as exc:  # noqa: BLE001
                _batch_error(result, item.document, exc)
            else:
                result.signed.append(item.document.pk)
    if result.signed and user.authority is not None:
        message = _("%(who)s a signé %(n)d acte(s).") % {"who": keys.signer_name(user), "n": len(result.signed)}
        if result.failed:
            message += " " + _("%(n)d n'ont pas pu l'être.") % {"n": len(result.failed)}
        with transaction.atomic():
            notify(_secretariat(user.authority), Notification.Kind.SIGNATURE, message, exclude=user)
    return result


@task()
def sign_finals_task(user_id: int, document_ids: list[int]) -> dict:
    from hemicycle.accounts.models import User

    user = User.objects.get(pk=user_id)
    result = sign_finals(user, document_ids)
    return {"signed": result.signed, "failed": {str(k): v for k, v in result.failed.items()}}


# --- Verification ---------------------------------------------------------------------------

def unembedded_fonts(pdf: bytes) -> tuple[list[str], list[str]]:
    """(fonts without an embedded program, every font seen) among the fonts drawn by the pages,
    their form XObjects and the appearance streams of their annotations (signature blocks).
    PDF/A requires every font to be embedded (FontFile, FontFile2 or FontFile3): tests and
    bench B3 check signed documents with it."""
    import pypdf

    missing, seen, visited = [], [], set()

    def font_ok(font) -> bool:
        font = font.get_object()
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:
            return False
        descriptor = descriptor.get_object()
        return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))

    def walk_resources(resources):
        if resources is None:
            return
        resources = resources.get_object()
        for name, font in (resources.get("/Font") or {}).items():
            base = str(font.get_object().get("/BaseFont", name))
            seen.append(base)
            if not font_ok(font):
                missing.append(base)
        for xobject in (resources.get("/XObject") or {}).values():
            walk_stream(xobject)

    def walk_stream(ref):
        key = getattr(ref, "idnum", None)
        if key is not None:
            if key in visited:
                return
            visited.add(key)
        stream = ref.get_object()
        if stream.get("/Subtype") == "/Form":
            walk_resources(stream.get("/Resources"))

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        walk_resources(page.get("/Resources"))
        for annotation in page.get("/Annots") or []:
            appearance = annotation.get_object().get("/AP")
            if appearance is None:
                continue
            for state in appearance.get_object().values():
                state = state.get_object()
                if isinstance(state, pypdf.generic.StreamObject):
                    walk_stream(state.indirect_reference or state)
                else:  # a dictionary of appearance states
                    for value in state.values():
                        walk_stream(value)
    return missing, seen



class VerificationError(Exception):
    """The file cannot be checked (not a PDF, unreadable); message in French."""


@dataclass
class SignatureReport:
    field_name: str
    signer_name: str = ""
    capacity: str = ""
    organisation: str = ""
    certificate_subject: str = ""
    certificate_sha256: str = ""
    signing_time: datetime.datetime | None = None  # the token's when timestamped
    timestamped: bool = False
    timestamp_valid: bool = False
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the cryptographic signature is correct
    trusted: bool = False  # the certificate chains to a trusted CA (the embedded one)
    covers_whole_file: bool = False
    later_changes: str = ""  # "" none; "signatures" (co-signatures, validation data); "other"
    # Long-term validation (PAdES B-LT): the chain checked at the token's time with only the
    # certificates and revocation lists embedded in the document (DSS), revocation data required.
    trusted_at_signing_time: bool = False
    validation_data_embedded: bool = False  # the document carries a DSS with revocation data
    validated_at: datetime.datetime | None = None  # "now" of the check
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # informative, not problems

    @property
    def broken(self) -> bool:
        """The signature no longer proves the document: altered bytes, an invalid signature or
        timestamp, or changes after signing other than further signatures."""
        return (not self.intact or not self.valid or (self.timestamped and not self.timestamp_valid)
                or self.later_changes == "other")

    @property
    def ok(self) -> bool:
        """Intact, and signed with a certificate that is valid now or that was valid when the
        timestamp says the document was signed (a certificate expired since still proves it)."""
        return not self.broken and (self.trusted or self.trusted_at_signing_time)

    def as_dict(self) -> dict:
        return {
            "field": self.field_name, "signer": self.signer_name, "capacity": self.capacity,
            "organisation": self.organisation, "certificate_subject": self.certificate_subject,
            "certificate_sha256": self.certificate_sha256,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "timestamped": self.timestamped, "timestamp_valid": self.timestamp_valid, "intact": self.intact,
            "valid": self.valid, "trusted": self.trusted, "covers_whole_file": self.covers_whole_file,
            "later_changes": self.later_changes or None, "broken": self.broken, "ok": self.ok,
            "trusted_at_signing_time": self.trusted_at_signing_time,
            "validation_data_embedded": self.validation_data_embedded,
            "validated_at": self.validated_at.isoformat() if self.validated_at else None,
            "problems": self.problems, "notes": self.notes,
        }


def _verification_context(at: datetime.datetime | None = None):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail",
                             moment=at)


def _validate_at_signing_time(embedded, signing_time: datetime.datetime, at: datetime.datetime | None):
    """PAdES B-LT validation (what pyHanko's former ``validate_pdf_ltv_signature`` did for the
    PADES_LT profile, rebuilt on its current API): the RFC 3161 token, checked now, gives the
    signing time; the signer's chain is then validated *at that time* with only the certificates,
    CRLs and OCSP responses of the document security store, no fetching, revocation data
    required for the signer's certificate. Returns (trusted at signing time, DSS present)."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy

    try:
        dss = DocumentSecurityStore.read_dss(embedded.reader)
    except NoDSSFoundError:
        return False, False
    if not dss.crls and not dss.ocsps:
        return False, False
    at_signing = dss.as_validation_context({
        "trust_roots": trust_roots(), "allow_fetching": False, "moment": signing_time,
        "revinfo_policy": CertRevTrustPolicy(REQUIRE_REVINFO), "retroactive_revinfo": False,
    })
    status = validate_pdf_signature(embedded, signer_validation_context=at_signing,
                                    ts_validation_context=_verification_context(at), skip_diff=True)
    return bool(status.intact and status.valid and status.trusted and not status.revoked), True


def _report(embedded, at: datetime.datetime | None = None) -> SignatureReport:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    report = SignatureReport(field_name=embedded.field_name or "", validated_at=at or timezone.now())
    status = validate_pdf_signature(embedded, signer_validation_context=_verification_context(at),
                                    ts_validation_context=_verification_context(at))
    cert = status.signing_cert
    subject = cert.subject.native
    report.signer_name = subject.get("common_name", "")
    report.capacity = subject.get("title", "")
    report.organisation = subject.get("organization_name", "")
    report.certificate_subject = cert.subject.human_friendly
    report.certificate_sha256 = cert.sha256.hex()
    report.intact, report.valid, report.trusted = bool(status.intact), bool(status.valid), bool(status.trusted)
    ts = status.timestamp_validity
    report.timestamped = ts is not None
    if ts is not None:
        report.timestamp_valid = bool(ts.intact and ts.valid)
        report.signing_time = ts.timestamp
    else:
        report.signing_time = status.signer_reported_dt
    report.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not report.covers_whole_file:
        level = status.modification_level
        if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and level is not None and level in (
                ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING):
            report.later_changes = "signatures"
        else:
            report.later_changes = "other"

    if not report.intact:
        report.problems.append(_("Le document a été modifié après cette signature : l'empreinte signée ne "
                                 "correspond plus."))
    elif not report.valid:
        report.problems.append(_("La signature cryptographique est invalide."))
    if report.timestamped and not report.timestamp_valid:
        report.problems.append(_("Le jeton d'horodatage est invalide."))
    elif report.timestamped and not ts.trusted:
        report.problems.append(_("L'autorité d'horodatage n'est pas reconnue."))
    if not report.timestamped:
        report.problems.append(_("La signature n'est pas horodatée : la date indiquée est celle déclarée par le "
                                 "signataire."))
    if report.later_changes == "other":
        report.problems.append(_("Le document a été modifié après cette signature (modifications autres que des "
                                 "signatures)."))
    if report.intact and report.valid and report.timestamped and report.timestamp_valid and ts.trusted:
        try:
            report.trusted_at_signing_time, report.validation_data_embedded = _validate_at_signing_time(
                embedded, report.signing_time, at)
        except Exception:  # noqa: BLE001 - unreadable validation data: no long-term proof, not a crash
            logger.info("Validation à la date de signature impossible", exc_info=True)
    if not report.trusted and report.trusted_at_signing_time:
        report.notes.append(_("Le certificat du signataire n'est plus valide aujourd'hui (expiré ou autorité "
                              "renouvelée), mais il l'était à la date de signature : l'horodatage et les données de "
                              "validation incorporées au document (certificats, liste de révocation) le prouvent."))
    elif not report.trusted and _chains_to_trusted_root(status):
        report.problems.append(_("Le certificat du signataire n'est pas valide aujourd'hui (expiré ou révoqué) et "
                                 "rien dans le document ne prouve qu'il l'était à la date de signature."))
    elif not report.trusted:
        report.problems.append(_("Le certificat du signataire n'est pas émis par une autorité reconnue."))
    if report.trusted and report.timestamped and not report.trusted_at_signing_time:
        report.notes.append(_("Les données de validation à long terme (certificats et liste de révocation à la date "
                              "de signature) manquent : la signature ne pourra plus être vérifiée une fois le "
                              "certificat expiré."))
    return report


def _chains_to_trusted_root(status) -> bool:
    """The signer's certificate was issued by one of the trusted roots (expired or not)."""
    cert = status.signing_cert
    return any(root.subject == cert.issuer for root in trust_roots())


def verify_pdf(pdf: bytes, *, at: datetime.datetime | None = None) -> list[SignatureReport]:
    """One report per signature of ``pdf``, in signing order: checked now (or ``at``, a moment
    given for the check), and at the signing time with the validation data embedded (PAdES
    B-LT), so a certificate expired since still proves the document. Raises VerificationError
    when the file is not a readable PDF."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not pdf.lstrip()[:5] == b"%PDF-":
        raise VerificationError(_("Ce fichier n'est pas un PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise VerificationError(_("Ce PDF est illisible ou endommagé (%(kind)s).") % {"kind": type(exc).__name__}) \
            from exc
    reports = []
    for embedded in signatures:
        try:
            reports.append(_report(embedded, at))
        except Exception as exc:  # noqa: BLE001 - a malformed signature is a broken one, not a crash
            logger.info("Signature illisible : %s", exc)
            reports.append(SignatureReport(field_name=embedded.field_name or "", problems=[
                _("Cette signature est illisible ou endommagée (%(kind)s).") % {"kind": type(exc).__name__}]))
    return reports
