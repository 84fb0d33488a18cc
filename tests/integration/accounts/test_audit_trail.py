"""The audit trail: what is recorded, and that nothing can change it."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lianbing.accounts import audit, services
from lianbing.accounts.audit_guard import TABLE
from lianbing.accounts.models import AuditAction, AuditEvent, AuditTrailImmutableError
from lianbing.people import services as people_services
from tests import factories

pytestmark = pytest.mark.django_db


def _events(action: str, object_type: str) -> int:
    return AuditEvent.objects.filter(action=action, object_type=object_type).count()


def test_creating_updating_and_deleting_a_tracked_record_is_recorded() -> None:
    unit = factories.unit(kind="town")

    mentor = people_services.mentor_create(code="M1", name="李俊", unit=unit)
    mentor.position = "副镇长"
    mentor.save()
    mentor.delete()

    assert _events(AuditAction.CREATE, "people.Mentor") == 1
    assert _events(AuditAction.UPDATE, "people.Mentor") == 1
    assert _events(AuditAction.DELETE, "people.Mentor") == 1
    assert AuditEvent.objects.filter(object_repr__contains="李俊").count() == 3


def test_people_posts_and_assessments_are_tracked_from_the_settings() -> None:
    tracked = {m._meta.label for m in audit.registered_models()}

    assert {"people.Unit", "people.Cadre", "people.AbilityAssessment", "demand.Post"} <= tracked


def test_another_app_can_register_its_model() -> None:
    from django.contrib.auth.models import Group

    audit.register(Group)
    Group.objects.create(name="考察组一")

    assert _events(AuditAction.CREATE, "auth.Group") == 1


def test_an_audit_event_cannot_be_saved_again() -> None:
    event = audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")

    event.detail = "changed"

    with pytest.raises(AuditTrailImmutableError):
        event.save()


def test_an_audit_event_cannot_be_deleted() -> None:
    event = audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")

    with pytest.raises(AuditTrailImmutableError):
        event.delete()


def test_queryset_updates_and_deletes_are_refused() -> None:
    audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")

    with pytest.raises(AuditTrailImmutableError):
        AuditEvent.objects.all().update(detail="changed")
    with pytest.raises(AuditTrailImmutableError):
        AuditEvent.objects.filter(action=AuditAction.EXPORT).delete()

    assert AuditEvent.objects.filter(detail="changed").count() == 0


def test_the_database_refuses_a_raw_update_even_for_the_superuser_role() -> None:
    audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET detail = 'changed'")

    assert AuditEvent.objects.filter(detail="changed").count() == 0


def test_the_database_refuses_a_raw_delete_of_recent_events() -> None:
    audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")

    assert AuditEvent.objects.count() >= 1


def test_pruning_refuses_to_remove_events_younger_than_180_days() -> None:
    audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")

    with pytest.raises(services.RetentionError):
        services.audit_prune(before=timezone.now() - datetime.timedelta(days=179))

    assert AuditEvent.objects.count() >= 1


def test_pruning_removes_only_events_older_than_the_cutoff() -> None:
    old = AuditEvent.objects.create(
        action=AuditAction.EXPORT,
        result="success",
        at=timezone.now() - datetime.timedelta(days=400),
    )
    recent = audit.record(action=AuditAction.EXPORT, object_repr="new.xlsx")

    removed = services.audit_prune(before=timezone.now() - datetime.timedelta(days=365))

    assert removed == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_the_prune_command_refuses_less_than_180_days() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="180"):
        call_command("prune_audit", "--older-than-days", "30")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="REVOKE exists on PostgreSQL only")
def test_the_migration_revoked_update_delete_and_truncate_from_the_application_role() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = %s AND grantee = current_user",
            [TABLE],
        )
        privileges = {row[0] for row in cursor.fetchall()}

    assert {"INSERT", "SELECT"} <= privileges
    assert not privileges & {"UPDATE", "DELETE", "TRUNCATE"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_the_database_refuses_truncate() -> None:
    audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")

    assert AuditEvent.objects.count() >= 1


def test_an_update_row_names_the_fields_that_changed_and_no_values() -> None:
    unit = factories.unit(kind="town")
    mentor = people_services.mentor_create(code="M2", name="王导师", unit=unit)

    mentor.position = "副镇长"
    mentor.save()

    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="people.Mentor")
    assert event.detail.startswith("修改字段：")
    assert str(type(mentor)._meta.get_field("position").verbose_name) in event.detail
    assert "姓名" not in event.detail
    assert "副镇长" not in event.detail


def test_an_update_that_changes_nothing_says_so() -> None:
    unit = factories.unit(kind="town")
    mentor = people_services.mentor_create(code="M3", name="赵导师", unit=unit)

    mentor.save()

    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="people.Mentor")
    assert event.detail == "未改动字段"
