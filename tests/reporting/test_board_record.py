"""The verifiable board record (issue 31): the chain of closed reports, the archival PDF
(PDF/A-3, its data attached, signed), verification offline and on the upload page, the legal
hold and the export."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse
from pypdf import PdfReader

from reporting import services
from reporting.models import BoardRecordPdf, BoardReport, RecordHeld
from reporting.record import archive, chain, signing, verify


def close(quarter, user):
    quarter.refresh_from_db()
    if not quarter.is_open:
        services.quarter_open(quarter=quarter, user=user, other_plans_confirmed=True)
    return services.quarter_close(quarter=quarter, user=user)


def check_chain():
    """`verify_board_record --chain`'s failures (none when it passes)."""
    try:
        call_command("verify_board_record", chain=True)
    except CommandError as error:
        assert "BROKEN" in str(error)
        return False
    return True


@pytest.fixture
def three(people, plan):
    """Three closed records: Q2, Q3 and Q4 of the plan, in that order."""
    records = []
    for number in (2, 3, 4):
        records.append(close(plan.quarters.get(number=number), people["admin"]))
    return records


@pytest.mark.django_db
class TestTheChain:
    def test_each_close_links_to_the_one_before(self, three, capsys):
        first, second, third = three
        assert [r.sequence for r in three] == [1, 2, 3]
        assert first.previous_hash == "" and second.previous_hash == first.record_hash
        assert third.previous_hash == second.record_hash
        # The hash is of the canonical JSON, as stored and read back from the database.
        stored = BoardReport.objects.get(pk=second.pk)
        assert chain.digest(chain.record_bytes(stored)) == second.record_hash
        admin = stored.created_by
        assert chain.entry(stored)["closed_by"] == (admin.get_full_name() or admin.username)
        assert check_chain()
        assert "The chain holds: 3 record(s)" in capsys.readouterr().out

    def test_reopening_and_closing_again_adds_a_record_and_keeps_the_old(self, people, plan):
        q2 = plan.quarters.get(number=2)
        first = close(q2, people["admin"])
        second = close(q2, people["admin"])
        assert second.sequence == first.sequence + 1
        assert second.supersedes == first and second.previous_hash == first.record_hash
        kept = BoardReport.objects.get(pk=first.pk)
        assert kept.record_hash == first.record_hash and kept.superseded_at is not None
        assert chain.entry(second)["supersedes_hash"] == first.record_hash
        assert check_chain()

    @pytest.mark.parametrize(
        "tamper, sentence",
        [
            (
                "edit_data",
                "Record 2 (Q3 2021/22, closed {}) has been changed since it was closed: its "
                "content no longer matches its hash.",
            ),
            ("edit_hash", "Record 3 (Q4 2021/22, closed {}) does not follow Record 2"),
            ("delete", "Record 3 (Q4 2021/22, closed {}) should be record 2"),
            ("reorder", "Record 2 (Q4 2021/22, closed {}) does not follow Record 1"),
        ],
    )
    def test_any_change_to_a_stored_record_breaks_the_chain(self, three, capsys, tamper, sentence):
        first, middle, last = three
        table = BoardReport._meta.db_table
        # As someone with database access would: around the application, which refuses.
        with connection.cursor() as cursor:
            if tamper == "edit_data":
                data = dict(middle.data, generated_at="2021-01-01T00:00:00")
                BoardReport.objects.filter(pk=middle.pk).update(data=data)
            elif tamper == "edit_hash":
                data = dict(middle.data, generated_at="2021-01-01T00:00:00")
                BoardReport.objects.filter(pk=middle.pk).update(data=data)
                record = BoardReport.objects.get(pk=middle.pk)
                new_hash = chain.digest(chain.record_bytes(record))
                BoardReport.objects.filter(pk=middle.pk).update(record_hash=new_hash)
            elif tamper == "delete":
                cursor.execute(f"DELETE FROM {table} WHERE id = %s", [middle.pk])
            elif tamper == "reorder":
                cursor.execute(f"UPDATE {table} SET sequence = 99 WHERE id = %s", [middle.pk])
                cursor.execute(f"UPDATE {table} SET sequence = 2 WHERE id = %s", [last.pk])
                cursor.execute(f"UPDATE {table} SET sequence = 3 WHERE id = %s", [middle.pk])
        assert not check_chain()
        before, after = sentence.split("{}")
        err = capsys.readouterr().err
        assert before in err and after in err


@pytest.mark.django_db
class TestTheLegalHold:
    def test_records_cannot_be_deleted_or_rewritten(self, people, plan, q2):
        record = close(q2, people["admin"])
        with pytest.raises(RecordHeld):
            record.delete()
        with pytest.raises(RecordHeld):
            BoardReport.objects.all().delete()
        record.data = {}
        with pytest.raises(RecordHeld):
            record.save()
        with pytest.raises(ProtectedError):
            q2.delete()
        assert BoardReport.objects.get(pk=record.pk).record_hash == record.record_hash

    def test_the_admin_shows_records_and_offers_no_deleting(self, admin_client, people, plan):
        record = close(plan.quarters.get(number=2), people["admin"])
        listing = admin_client.get(reverse("admin:reporting_boardreport_changelist"))
        assert listing.status_code == 200 and record.record_hash in listing.content.decode()
        delete = reverse("admin:reporting_boardreport_delete", args=[record.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        bulk = admin_client.post(
            reverse("admin:reporting_boardreport_changelist"),
            {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
        )
        assert bulk.status_code in (200, 302) and BoardReport.objects.filter(pk=record.pk).exists()


def attachment_of(content: bytes) -> bytes:
    """Read back with pypdf, not the library that wrote or checks it."""
    return PdfReader(io.BytesIO(content)).attachments[archive.ATTACHMENT][0]


@pytest.mark.django_db
class TestTheArchivalPdf:
    def test_signed_pdf_carries_its_record_and_verifies(
        self, client, people, plan, signed, tmp_path, capsys
    ):
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        q2 = plan.quarters.get(number=2)
        record = close(q2, people["admin"])
        client.force_login(people["viewer"])
        query = f"?plan={plan.financial_year}&quarter=2"
        page = client.get(reverse("reporting:board_report") + query).content.decode()
        assert "signed by the trust" in page and record.record_hash[:16] in page
        content = client.get(reverse("reporting:board_report_pdf") + query).content

        # PDF/A-3 (level A, tagged) with the record's canonical JSON attached.
        reader = PdfReader(io.BytesIO(content))
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        assert 'pdfaid:part="3"' in xmp and record.record_hash in xmp
        # PDF/A-3 is a PDF 1.7 format: signing must not declare PDF 2.0.
        assert reader.pdf_header == "%PDF-1.7"
        assert reader.trailer["/Root"].get("/Version", "/1.7") == "/1.7"
        assert attachment_of(content) == chain.record_bytes(record)
        assert json.loads(attachment_of(content))["report"]["quarter"]["short_label"] == "Q2"
        # The signing library's own validator agrees.
        embedded = PdfFileReader(io.BytesIO(content)).embedded_signatures[0]
        status = validate_pdf_signature(
            embedded,
            ValidationContext(trust_roots=signing.trusted_certificates(), allow_fetching=False),
        )
        assert status.bottom_line and status.coverage.name == "ENTIRE_FILE"
        # Kept: the next download is the same bytes.
        again = client.get(reverse("reporting:board_report_pdf") + query).content
        assert again == content and BoardRecordPdf.objects.get().signed

        good = tmp_path / "record.pdf"
        good.write_bytes(content)
        call_command("verify_board_record", str(good), cert=[str(signed)])
        out = capsys.readouterr().out
        assert "is verified" in out and f"Plan: {plan.financial_year}" in out
        assert "Quarter: Q2 " in out and "Place in the chain: 1" in out

        # One byte changed anywhere in the PDF: not verified, with the reason.
        changed = bytearray(content)
        changed[len(content) // 3] ^= 0x01
        bad = tmp_path / "changed.pdf"
        bad.write_bytes(bytes(changed))
        with pytest.raises(CommandError, match="NOT verified"):
            call_command("verify_board_record", str(bad), cert=[str(signed)])
        assert "changed since it was signed" in capsys.readouterr().err
        # Another certificate than the trust's: not verified.
        other_key, other_cert = signing.make_demo_pair(tmp_path / "other", "Someone Else")
        with pytest.raises(CommandError):
            call_command("verify_board_record", str(good), cert=[str(other_cert)])
        assert "not made with the trust's certificate" in capsys.readouterr().err

        # The upload page says which report it is, and refuses a changed copy.
        verify_url = reverse("reporting:record_verify")
        answer = client.post(verify_url, {"file": SimpleUploadedFile("r.pdf", content)})
        html = answer.content.decode()
        assert "Verified" in html and "exactly the board report given to the Board" in html
        assert f"<strong>Q2 {plan.financial_year}</strong>: board record 1" in html
        answer = client.post(verify_url, {"file": SimpleUploadedFile("r.pdf", bytes(changed))})
        html = answer.content.decode()
        assert "Not verified" in html and "changed since it was signed" in html

        # The chain check reads the kept PDF too, on the command line and on the page.
        assert check_chain()
        BoardRecordPdf.objects.update(content=bytes(changed))  # as someone with SQL access
        page = client.get(reverse("reporting:record_list") + "?check=1").content.decode()
        assert "its kept PDF has changed since it was made" in page
        assert not check_chain()

    def test_changed_embedded_data_is_found_even_when_signed_again(self, people, plan, signed):
        """Someone with the key re-signs a PDF whose JSON they changed: the hash the record
        states no longer matches its data."""
        record = close(plan.quarters.get(number=2), people["admin"])
        changed = chain.record_bytes(record).replace(b'"Q2"', b'"Q3"', 1)
        content = archive.sign(archive.render(record, changed), signing.signing(), record)
        result = verify.verify(content, signing.trusted_certificates())
        assert result.failures == [
            "The report data embedded in the PDF does not match the record hash it was signed "
            "with: the data was changed."
        ]

    def test_without_a_key_the_pdf_is_unsigned_and_the_pages_say_so(self, client, people, plan):
        record = close(plan.quarters.get(number=2), people["admin"])
        client.force_login(people["viewer"])
        query = f"?plan={plan.financial_year}&quarter=2"
        page = client.get(reverse("reporting:board_report") + query).content.decode()
        assert "unsigned, as no signing key is configured" in page
        content = client.get(reverse("reporting:board_report_pdf") + query).content
        assert attachment_of(content) == chain.record_bytes(record)
        assert not BoardRecordPdf.objects.get().signed
        answer = client.post(
            reverse("reporting:record_verify"), {"file": SimpleUploadedFile("r.pdf", content)}
        )
        html = answer.content.decode()
        assert "Not verified" in html and "byte for byte the copy kept of record 1" in html
        assert "The PDF is not signed" in html
        listing = client.get(reverse("reporting:record_list")).content.decode()
        assert "No signing key is configured on this server" in listing and "(unsigned)" in listing

    def test_a_key_that_cannot_be_read_keeps_no_unsigned_copy(self, client, people, plan, settings):
        close(plan.quarters.get(number=2), people["admin"])
        settings.BOARD_RECORD_SIGNING_KEY = "/nowhere/key.pem"
        settings.BOARD_RECORD_SIGNING_CERT = "/nowhere/cert.pem"
        client.force_login(people["viewer"])
        answer = client.get(reverse("reporting:record_pdf", args=[1]))
        assert answer.status_code == 503
        assert "signing key cannot be read" in answer.content.decode()
        assert not BoardRecordPdf.objects.exists()


@pytest.mark.django_db
class TestTheVerifyPage:
    def test_not_a_pdf_and_too_large(self, client, people):
        client.force_login(people["viewer"])
        url = reverse("reporting:record_verify")
        answer = client.post(url, {"file": SimpleUploadedFile("notes.pdf", b"not a pdf")})
        assert answer.status_code == 200
        assert "This file cannot be read as a PDF" in answer.content.decode()
        big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024))
        answer = client.post(url, {"file": big})
        assert answer.status_code == 200
        assert "The file is larger than 5 MB" in answer.content.decode()
        assert "Not verified" not in answer.content.decode()

    def test_the_chain_page_checks_on_request(self, client, people, three):
        client.force_login(people["viewer"])
        page = client.get(reverse("reporting:record_list") + "?check=1").content.decode()
        assert "The chain holds" in page and three[2].record_hash in page
        BoardReport.objects.filter(pk=three[1].pk).update(data={**three[1].data, "x": 1})
        page = client.get(reverse("reporting:record_list") + "?check=1").content.decode()
        assert "The chain is broken" in page and "has been changed since it was closed" in page
        assert "Export the whole record" not in page  # administrators only


@pytest.mark.django_db
def test_the_export_holds_every_record_its_pdf_and_the_manifest(client, people, plan, signed):
    first = close(plan.quarters.get(number=2), people["admin"])
    second = close(plan.quarters.get(number=2), people["admin"])  # reopened, closed again
    client.force_login(people["admin"])
    answer = client.get(reverse("reporting:record_export"))
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
    manifest = json.loads(zipped.read("manifest.json"))
    assert manifest["chain_intact"] and [r["sequence"] for r in manifest["records"]] == [1, 2]
    assert manifest["records"][1]["supersedes_hash"] == first.record_hash
    for entry, record in zip(manifest["records"], (first, second), strict=True):
        data = zipped.read(entry["json"])
        assert chain.digest(data) == record.record_hash == entry["record_hash"]
        assert attachment_of(zipped.read(entry["pdf"])) == data and entry["pdf_signed"]
    assert zipped.read("certificate.pem") == signed.read_bytes()
    assert "verify_board_record" in zipped.read("README.txt").decode()


def timestamp_authority(folder):
    """A test TSA: its key and certificate (extended key usage: time stamping only)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data

    # RSA: pyHanko's stand-in TSA signs with nothing else.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test timestamp authority")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "tsa.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return path, load_cert_from_pemder(str(path)), load_private_key_from_pemder_data(pem, None)


@pytest.mark.django_db
def test_a_configured_timestamp_authority_timestamps_the_signature(
    people, plan, signed, settings, tmp_path, monkeypatch
):
    from pyhanko.sign import timestamps
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    tsa_path, tsa_cert, tsa_key = timestamp_authority(tmp_path)
    asked = []

    def stand_in(url):  # the TSA over HTTP, answered here (no network in tests)
        asked.append(url)
        return DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)

    monkeypatch.setattr(timestamps, "HTTPTimeStamper", stand_in)
    settings.BOARD_RECORD_TSA_URL = "https://tsa.example.nhs.uk/"
    record = close(plan.quarters.get(number=2), people["admin"])
    content = bytes(archive.archival_pdf(record).content)
    assert asked == ["https://tsa.example.nhs.uk/"]
    trusted = signing.trusted_certificates([str(signed), str(tsa_path)])
    result = verify.verify(content, trusted)
    assert result.verified, result.failures
    assert result.timestamped_at is not None


@pytest.mark.django_db
def test_the_record_list_reads_the_same_queries_for_more_records(client, people, plan):
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["viewer"])
    url = reverse("reporting:record_list") + "?check=1"
    counts = []
    for number in (2, 3, 4):
        close(plan.quarters.get(number=number), people["admin"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # The session's, the records twice (listed, then checked) and the kept PDFs: eleven.
    assert counts[0] == counts[1] == counts[2] <= 11
