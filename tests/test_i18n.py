"""Chinese is complete, the shipped catalogs are compiled, and dates read the Chinese way."""

import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

LOCALE = Path(settings.BASE_DIR) / "locale"


def _strings(block: str, keyword: str) -> str:
    """The concatenated string after ``keyword`` (e.g. ``msgid ``) in a catalog entry."""
    lines, taking = [], False
    for line in block.splitlines():
        if line.startswith(keyword):
            taking = True
            line = line[len(keyword):]
        elif not line.startswith('"'):
            taking = False
        if taking:
            lines.append(line)
    return "".join(re.findall(r'"(.*)"', "\n".join(lines)))


def _entries(po: Path) -> list[tuple[str, str, str, bool, str]]:
    """(msgid, msgid_plural, first msgstr, fuzzy, msgctxt) of each entry."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        plural = _strings(block, "msgid_plural ")
        msgstr = _strings(block, "msgstr[0] ") if plural else _strings(block, "msgstr ")
        entries.append((_strings(block, "msgid "), plural, msgstr, "#, fuzzy" in block,
                        _strings(block, "msgctxt ")))
    return entries


def test_every_chinese_message_is_translated_and_not_fuzzy():
    po = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    missing = [msgid for msgid, _plural, msgstr, fuzzy, _context in _entries(po)
               if msgid and (not msgstr or fuzzy)]
    assert missing == []


def test_compiled_catalog_matches_the_source():
    po = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    with open(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for msgid, plural, msgstr, _fuzzy, context in _entries(po):
        if not msgid or "\\" in msgid:
            continue
        if context:
            assert catalog.pgettext(context, msgid) == msgstr, msgid
        elif plural:
            assert catalog.ngettext(msgid, plural, 2) == msgstr, msgid
        else:
            assert catalog.gettext(msgid) == msgstr, msgid


def test_defaults_are_chinese_and_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "2026年11月27日"),
                                                    ("en", "Nov. 27, 2026")])
def test_dates_are_shown_as_each_language_reads_them(language, expected):
    moment = datetime.datetime(2026, 11, 26, 17, 30, tzinfo=datetime.UTC)
    with translation.override(language):
        local = timezone.localtime(moment)
        assert formats.date_format(local, "DATE_FORMAT") == expected


# --- The copy the glossary (docs/glossary.md) rules on -------------------------------------

def _our_forms():
    """Every form class of the project's own apps, as declared (fields built, not bound)."""
    import importlib
    import pkgutil

    from django import forms
    from django.apps import apps

    ours = [config for config in apps.get_app_configs()
            if Path(config.path).is_relative_to(settings.BASE_DIR)
            and ".venv" not in Path(config.path).parts]
    for config in ours:
        for module in pkgutil.iter_modules([config.path]):
            if module.name.startswith("forms"):
                importlib.import_module(f"{config.name}.{module.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [form for form in set(subclasses(forms.BaseForm))
            if form.__module__.split(".")[0] in {config.name for config in ours}]


def test_the_project_has_forms_to_check():
    assert len(_our_forms()) > 20


def test_no_select_offers_djangos_dashes_as_its_empty_choice():
    from django import forms

    dashes = []
    with translation.override("zh-hans"):
        for form in _our_forms():
            for name, field in form.base_fields.items():
                if isinstance(field, forms.ModelChoiceField):
                    labels = [field.empty_label] if field.empty_label is not None else []
                elif isinstance(field, forms.ChoiceField):
                    labels = [label for value, label in field.choices if value in ("", None)]
                else:
                    continue
                if any("---" in str(label) for label in labels):
                    dashes.append(f"{form.__module__}.{form.__name__}.{name}")
    assert dashes == []


@pytest.mark.django_db
def test_a_form_select_says_choose_and_a_bare_model_choice_field_does_too():
    from django import forms

    from staff.models import Department

    with translation.override("zh-hans"):
        field = forms.ModelChoiceField(queryset=Department.objects.none())
        assert str(field.empty_label) == "请选择"
        assert str(Department._meta.get_field("parent").get_choices()[0][1]) == "请选择"


@pytest.mark.django_db
def test_the_admin_shows_the_translated_empty_choice_not_dashes(admin_client):
    from tests.staff.factories import DepartmentFactory

    DepartmentFactory()  # the list offers its actions only when it has rows
    add = admin_client.get(reverse("admin:service_tickets_escalationrule_add"),
                           HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    listing = admin_client.get(reverse("admin:staff_department_changelist"),
                               HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # A foreign key and a field with choices on the form, the action menu on the list.
    assert add.count('<option value="" selected>请选择</option>') >= 2
    assert '<option value="" selected>请选择</option>' in listing
    assert "---------" not in add and "---------" not in listing


def test_date_time_fields_say_time_and_date_fields_say_date():
    from django import forms

    wrong = []
    with translation.override("zh-hans"):
        for form in _our_forms():
            for name, field in form.base_fields.items():
                label = str(field.label or "")
                date_time = isinstance(field, forms.DateTimeField)
                date = isinstance(field, forms.DateField) and not date_time
                if (date_time and label.endswith("日期")) or (date and label.endswith("时间")):
                    wrong.append(f"{form.__name__}.{name}: {label}")
    assert wrong == []


# Words docs/glossary.md rules out (each with the word to use instead).
AVOIDED = {
    "小区/项目": "项目", "房间": "房屋", "业主/住户": "业主或使用人", "使用者": "使用人",
    "协助人": "协办人", "维修/服务人员": "服务人员", "仍然预约": "忽略冲突，仍然保存",
    "后台进程": "后台任务进程", "进行中的工单": "未结工单", "---------": "请选择",
}


def test_the_chinese_catalogue_uses_the_glossarys_words():
    po = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    found = [(msgid, word) for msgid, _plural, msgstr, _fuzzy, _context in _entries(po)
             for word in AVOIDED if word in msgstr]
    estate = [msgid for msgid, _plural, msgstr, _fuzzy, _context in _entries(po)
              if "小区" in msgstr.replace("居民小区", "")]
    assert found == [] and estate == []


def test_no_message_after_an_action_reads_action_then_done():
    po = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    machine_made = [msgid for msgid, _plural, msgstr, _fuzzy, _context in _entries(po)
                    if re.search(r"%\(action\)s\s*已完成", msgstr)]
    assert machine_made == []


def test_model_date_times_say_time_and_model_dates_say_date():
    # The admin's forms and columns are built from these names.
    from django.apps import apps
    from django.db import models

    wrong = []
    with translation.override("zh-hans"):
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                name = str(field.verbose_name)
                date_time = isinstance(field, models.DateTimeField)
                date = isinstance(field, models.DateField) and not date_time
                if (date_time and name.endswith("日期")) or (date and name.endswith("时间")):
                    wrong.append(f"{model.__name__}.{field.name}: {name}")
    assert wrong == []
