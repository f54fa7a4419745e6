import threading
import time

import pytest
from django.db import connection, transaction

from staff.forms import DepartmentForm
from staff.models import Department
from versioning.services import StaleVersionError, version_claim


def _form_data(department, **changes):
    data = {"name": department.name, "code": department.code, "phone": "", "is_active": "on",
            "edit_version": department.version}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_form_opened_before_someone_elses_save_is_refused_and_keeps_the_input(department):
    mine = _form_data(department, phone="0571-mine")
    with transaction.atomic():
        theirs = DepartmentForm(_form_data(department, phone="0571-theirs"),
                                instance=Department.objects.get(pk=department.pk))
        assert theirs.is_valid()
        theirs.save()
    with transaction.atomic():
        form = DepartmentForm(mine, instance=Department.objects.get(pk=department.pk))
        assert not form.is_valid()
    assert "其他人" in form.non_field_errors()[0]
    assert form["phone"].value() == "0571-mine"
    department.refresh_from_db()
    assert department.phone == "0571-theirs" and department.version == 2


@pytest.mark.django_db
def test_a_form_without_a_version_is_refused(department):
    with transaction.atomic():
        form = DepartmentForm(_form_data(department, edit_version=""), instance=department)
        assert not form.is_valid()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_of_two_concurrent_edits_of_one_version_exactly_one_wins(department):
    results = {}
    barrier = threading.Barrier(2)

    def edit(name: str, phone: str) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                row = Department.objects.get(pk=department.pk)
                row.version = version_claim(instance=row, expected=1)
                time.sleep(0.3)  # hold the lock while the other editor arrives
                row.phone = phone
                row.save()
            results[name] = "saved"
        except StaleVersionError:
            results[name] = "stale"
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(n, p))
               for n, p in [("a", "0571-a"), ("b", "0571-b")]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["saved", "stale"]
    department.refresh_from_db()
    assert department.version == 2
    winner = next(name for name, outcome in results.items() if outcome == "saved")
    assert department.phone == f"0571-{winner}"
