"""The search pickers' widgets (``portal.widgets``): a plain ``<select>`` of the chosen
options, carrying for Tom Select (``static/js/search_pickers.js``) where to search and every
text it shows, in the page's language; and the library itself, served by the app."""

import re

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from portal.widgets import RemembersChosen, SearchSelect, SearchSelectMultiple
from staff.models import User

pytestmark = pytest.mark.django_db


class ColleagueField(RemembersChosen, forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class ColleaguesField(RemembersChosen, forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class PickerForm(forms.Form):
    colleague = ColleagueField(queryset=User.objects.order_by("pk"),
                               widget=SearchSelect(search_url="staff:picker"))
    colleagues = ColleaguesField(
        required=False, queryset=User.objects.order_by("pk"),
        widget=SearchSelectMultiple(search_url="scheduling:picker_staff",
                                    placeholder="Type a name or phone"))


def attributes(html: str, name: str) -> dict[str, str]:
    tag = re.search(rf'<select name="{name}"[^>]*>', html)
    assert tag, f"no select named {name}"
    return dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', tag.group(0)[len("<select"):-1]))


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", {"data-placeholder": "输入关键字搜索…", "data-type-to-search": "输入关键字搜索…",
                 "data-loading-text": "正在搜索…", "data-empty-text": "没有匹配的结果。",
                 "data-error-text": "搜索失败，请重试。", "data-remove-label": "移除 %(label)s"}),
    ("en", {"data-placeholder": "Type to search…", "data-type-to-search": "Type to search…",
            "data-loading-text": "Searching…", "data-empty-text": "No matches.",
            "data-error-text": "The search did not work. Try again.",
            "data-remove-label": "Remove %(label)s"}),
])
def test_a_picker_carries_its_endpoint_and_every_text_in_the_pages_language(language,
                                                                             expected):
    # given a form with a single picker
    form = PickerForm()

    # when it is rendered in either language
    with translation.override(language):
        found = attributes(str(form["colleague"]), "colleague")

    # then the select says where to search and holds every text the script shows
    assert "data-search-picker" in found
    assert found["data-search-url"] == reverse("staff:picker")
    assert {key: found[key] for key in expected} == expected


def test_a_pickers_own_placeholder_replaces_the_default(front_desk):
    with translation.override("zh-hans"):
        found = attributes(str(PickerForm()["colleagues"]), "colleagues")
    assert found["data-placeholder"] == "Type a name or phone"
    assert found["data-type-to-search"] == "输入关键字搜索…"
    assert "multiple" in found


def test_a_required_picker_leaves_the_check_to_the_server(front_desk, dispatcher):
    # given a required single picker with a colleague chosen, and a multiple one with two
    form = PickerForm({"colleague": front_desk.pk,
                       "colleagues": [dispatcher.pk, front_desk.pk]})
    assert form.is_valid()

    # when they are rendered again
    single, multiple = str(form["colleague"]), str(form["colleagues"])

    # then the hidden select never blocks the submit, and holds the blank option (single
    # only) and the chosen, labelled from what validation read
    assert "required" not in attributes(single, "colleague")
    assert re.findall(r'<option value="([^"]*)"( selected)?>', single) == [
        ("", ""), (str(front_desk.pk), " selected")]
    assert re.findall(r'<option value="(\d+)" selected>([^<]*)<', multiple) == [
        (str(dispatcher.pk), dispatcher.full_name), (str(front_desk.pk), front_desk.full_name)]


def test_every_page_loads_tom_select_before_the_pickers_script(login, front_desk):
    page = login(front_desk).get(reverse("portal:home")).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    library = scripts.index("/static/vendor/tom-select/js/tom-select.popular.min.js")
    assert scripts.index("/static/js/search_pickers.js") > library
    assert '/static/vendor/tom-select/css/tom-select.bootstrap5.min.css"' in page
    assert "/static/js/picker.js" not in page


@pytest.mark.parametrize("path", ["vendor/tom-select/js/tom-select.popular.min.js",
                                  "vendor/tom-select/css/tom-select.bootstrap5.min.css",
                                  "js/search_pickers.js"])
def test_the_picker_files_are_served_by_the_app(path):
    assert finders.find(path), f"{path} is not found: run `npm ci`"
