import io
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from owners.documents import document_generate, rmb_upper, template_upload
from owners.models import Activity, DocumentTemplate, ServiceDocument
from tests.owners.factories import OwnershipFactory

pytestmark = pytest.mark.django_db


def word_template(text: str) -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile("物业服务合同.docx", out.getvalue())


CONTRACT = ("合同编号 {{ document.number }}：甲方 {{ owner.name }}，房屋 {{ room.code }}，"
            "金额 {{ document.amount }} 元（{{ document.amount_upper }}），"
            "{{ document.start_date }} 至 {{ document.end_date }}")


@pytest.mark.parametrize(("amount", "text"), [
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"), ("10005", "壹万零伍元整"),
    ("100000", "壹拾万元整"), ("1010", "壹仟零壹拾元整"), ("10.05", "壹拾元零伍分"),
    ("100000005", "壹亿零伍元整"), ("0", "零元整"), ("0.5", "伍角")])
def test_amounts_in_chinese_capitals(amount, text):
    assert rmb_upper(Decimal(amount)) == text


def test_uploading_a_template_twice_adds_a_version(manager):
    first = template_upload(kind="contract", name="物业服务合同", upload=word_template(CONTRACT),
                            by=manager)
    second = template_upload(kind="contract", name="物业服务合同",
                             upload=word_template(CONTRACT), by=manager)
    assert (first.version, second.version) == (1, 2)


def test_a_template_that_is_not_word_is_refused(manager):
    pdf = SimpleUploadedFile("x.docx", b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(ValidationError):
        template_upload(kind="contract", name="x", upload=pdf, by=manager)


def test_a_template_with_broken_placeholders_is_refused(manager):
    with pytest.raises(ValidationError, match="占位符"):
        template_upload(kind="contract", name="x", upload=word_template("{{ owner.name "),
                        by=manager)


def test_a_contract_is_filled_numbered_and_kept_on_the_record(manager, front_desk):
    template = template_upload(kind="contract", name="物业服务合同",
                               upload=word_template(CONTRACT), by=manager)
    ownership = OwnershipFactory(party__name="张三")
    document = document_generate(
        template=template, party=ownership.party, room=ownership.room, by=front_desk,
        title="2027 年物业服务合同", amount=Decimal("3600"),
        start_date=__import__("datetime").date(2027, 1, 1),
        end_date=__import__("datetime").date(2027, 12, 31))
    assert document.number.startswith("HT") and document.number.endswith("-0001")
    assert document.template.version == 1 and document.status == "draft"
    with document.file.file.open("rb") as handle:
        text = docx.Document(handle).paragraphs[0].text
    assert f"合同编号 {document.number}：甲方 张三，房屋 {ownership.room.code}" in text
    assert "3,600.00 元（叁仟陆佰元整）" in text
    assert "2027年1月1日 至 2027年12月31日" in text
    assert Activity.objects.filter(party=ownership.party, source="owners.document").exists()
    second = document_generate(template=template, party=ownership.party, by=front_desk,
                               title="补充协议")
    assert second.number.endswith("-0002")


def test_front_desk_generates_from_the_owner_page_and_downloads(manager, front_desk, login):
    template = template_upload(kind="proposal", name="维修建议书",
                               upload=word_template("致 {{ owner.name }}"), by=manager)
    ownership = OwnershipFactory(party__name="张三")
    client = login(front_desk)
    response = client.post(reverse("owners:document_create", args=[ownership.party.pk]),
                           {"template": template.pk, "title": "外墙维修建议",
                            "room": ownership.room.pk})
    assert response.status_code == 302
    document = ServiceDocument.objects.get()
    page = client.get(reverse("owners:party_detail", args=[ownership.party.pk]))
    assert document.number in page.content.decode()
    download = client.get(reverse("uploads:download", args=[document.file_id]))
    assert download.status_code == 200
    client.post(reverse("owners:document_status", args=[document.pk]), {"status": "signed"})
    document.refresh_from_db()
    assert document.status == "signed"


def test_dates_out_of_order_are_explained(manager, front_desk, login):
    template = template_upload(kind="contract", name="合同", upload=word_template(CONTRACT),
                               by=manager)
    ownership = OwnershipFactory()
    response = login(front_desk).post(
        reverse("owners:document_create", args=[ownership.party.pk]),
        {"template": template.pk, "title": "x", "start_date": "2027-02-01",
         "end_date": "2027-01-01"})
    assert response.status_code == 400
    assert "结束日期早于开始日期" in response.content.decode()


def test_templates_page_is_for_managers_to_upload(manager, front_desk, login):
    assert login(front_desk).get(reverse("owners:template_list")).status_code == 200
    assert login(front_desk).post(reverse("owners:template_list"), {}).status_code == 403
    response = login(manager).post(reverse("owners:template_list"), {
        "kind": "contract", "name": "物业服务合同", "file": word_template(CONTRACT)})
    assert response.status_code == 302
    assert DocumentTemplate.objects.get().name == "物业服务合同"
    page = login(manager).get(reverse("owners:template_list")).content.decode()
    assert "{{ owner.name }}" in page


def test_a_template_has_a_name_and_a_document_has_dates(manager, login):
    # given a manager on the templates page and the form for a new document
    client = login(manager)
    page = client.get(reverse("owners:template_list")).content.decode()
    # then a template's name is 名称 (姓名 is a person's), and a document's dates say 日期
    assert '<th scope="col">名称</th>' in page and '<th scope="col">姓名</th>' not in page
    from django.utils import translation

    from owners.forms import DocumentForm, TemplateUploadForm

    with translation.override("zh-hans"):
        assert str(TemplateUploadForm.base_fields["name"].label) == "名称"
        assert [str(DocumentForm.base_fields[name].label)
                for name in ("start_date", "end_date")] == ["开始日期", "结束日期"]
